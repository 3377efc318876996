/**
 * How `npm start` serves the console beside the API (local/console-assets.ts, console-sign-in.ts):
 * built files with their content types, index.html for page requests, and never in the way of an
 * API route; the local sign-in endpoint takes JSON only and answers a token the API accepts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseUrl } from './support.js';

const page = (path: string) => fetch(`${baseUrl}${path}`, { headers: { accept: 'text/html,*/*;q=0.8' } });
const script = readdirSync(join(process.cwd(), 'console', 'dist', 'assets')).find((f) => f.endsWith('.js'))!;

describe('the console on the local runtime', () => {
  it('serves the built files with their content types and caching', async () => {
    const index = await page('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<div id="root"></div>');
    // The root is the console's for any client, as the README's `curl localhost:3000/` expects.
    expect((await fetch(`${baseUrl}/`)).status).toBe(200);

    const js = await fetch(`${baseUrl}/assets/${script}`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await fetch(`${baseUrl}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    const config = await fetch(`${baseUrl}/config.json`);
    expect(await config.json()).toEqual({ mode: 'local' });
  });

  it("answers the app's pages with index.html, for a browser asking for a page", async () => {
    for (const path of ['/leads/01JD0000000000000000000000', '/profile', '/anything/else']) {
      const reply = await page(path);
      expect([path, reply.status, reply.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
    }
    // A client that does not ask for HTML, and a missing file, get a 404.
    expect((await fetch(`${baseUrl}/profile`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await page('/assets/missing.js')).status).toBe(404);
  });

  it('never shadows the API: its routes and unknown paths under /v1 stay the API’s', async () => {
    const health = await page('/v1/health');
    expect(health.headers.get('content-type')).toMatch(/json/);
    const openapi = await page('/openapi.json');
    expect(((await openapi.json()) as { openapi?: string }).openapi).toMatch(/^3\.1/);
    for (const path of ['/v1/nope', '/v1', '/v1/leads/x/y/z', '/local/other']) {
      const reply = await page(path);
      expect([path, reply.status, reply.headers.get('content-type')]).toEqual([
        path,
        404,
        'application/problem+json',
      ]);
    }
  });

  it('serves nothing outside console/dist', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%2f..%2findex.html',
    ]) {
      const reply = await fetch(`${baseUrl}${path}`, { headers: { accept: 'application/json' } });
      expect([path, reply.status]).toEqual([path, 404]);
    }
  });

  it('mints a local token from JSON only, refusing bad values field by field', async () => {
    const signIn = (body: string, contentType = 'application/json') =>
      fetch(`${baseUrl}/local/sign-in`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect((await signIn('partnerId=contoso', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await fetch(`${baseUrl}/local/sign-in`)).status).toBe(405);
    expect((await signIn('{')).status).toBe(400);
    const refused = await signIn(
      JSON.stringify({ partnerId: 'Not Slug', role: 'referrals-admin', user: '' }),
    );
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['partnerId', 'user']);

    const ok = await signIn(JSON.stringify({ partnerId: 'contoso', role: 'referrals-admin', user: 'alice' }));
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    const leads = await fetch(`${baseUrl}/v1/leads?tab=marketplace`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(leads.status).toBe(200);
  });
});
