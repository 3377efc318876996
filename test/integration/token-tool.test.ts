/**
 * The token tool (`npm run --silent token`): --help, warnings on stderr for tokens the API will
 * refuse (minted all the same), and tokens the local runtime accepts.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expectProblem, get, uniquePartner } from './helpers.js';

/** Runs the tool without blocking the event loop (a blocked loop misses a pooled socket's close). */
function token(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const cli = join('node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'local/token.ts', ...args],
      { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

const jwt = /^[\w-]+\.[\w-]+\.[\w-]+$/;

describe('npm run token', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await token('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run --silent token -- --partner <id> --role <group>');
    expect(run.stdout).toContain('mpn-partner-admin or referrals-admin');
    expect(run.stderr).toBe('');
  });

  it('an unknown option is refused with the usage, exit 2', async () => {
    const run = await token('--parnter', 'contoso');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--parnter'");
    expect(run.stdout).toBe('');
  });

  it('mints a token for a role the API refuses, warning on stderr; the API answers it 403', async () => {
    const run = await token('--partner', uniquePartner(), '--role', 'sales-viewer');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(jwt);
    expect(run.stderr).toBe(
      'token: warning: the API refuses role sales-viewer with 403 forbidden; it accepts mpn-partner-admin or referrals-admin',
    );
    expectProblem(await get('/v1/leads', { token: run.stdout }), 403, 'forbidden');
  });

  it('warns of a sender npm start does not register, and not of one it does', async () => {
    const stranger = await token('--sender', 'stranger-system');
    expect(stranger.stdout).toMatch(jwt);
    expect(stranger.stderr).toContain(
      'unless stranger-system was registered with npm run sender -- register',
    );
    expect(stranger.stderr).toContain('403 sender-not-registered');
    const known = await token('--sender', 'microsoft-marketing');
    expect(known.stderr).toBe('');
  });

  it("a partner token with --user is that user's, and the API accepts it", async () => {
    const run = await token('--partner', uniquePartner(), '--role', 'referrals-admin', '--user', 'alice');
    expect(run.stderr).toBe('');
    const payload = JSON.parse(Buffer.from(run.stdout.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
    };
    expect(payload.sub).toBe('alice');
    expect((await get('/v1/leads', { token: run.stdout })).status).toBe(200);
  });
});
