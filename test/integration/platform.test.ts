/**
 * The public platform routes (SPEC §4): health and the OpenAPI 3.1 document generated from the
 * route table and its zod schemas.
 */
import { call, get, type JsonObject } from './helpers.js';

describe('platform routes', () => {
  it('GET /v1/health answers 200 { status: "ok" } without a token', async () => {
    const reply = await get('/v1/health');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('GET /openapi.json answers an OpenAPI 3.1.0 document describing the lead routes', async () => {
    const reply = await get<JsonObject>('/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body.openapi).toBe('3.1.0');
    const paths = reply.body.paths as Record<string, Record<string, JsonObject>>;
    for (const [path, method] of [
      ['/v1/health', 'get'],
      ['/v1/leads', 'post'],
      ['/v1/leads', 'get'],
      ['/v1/sent-leads', 'get'],
      ['/v1/sent-leads/{id}', 'get'],
      ['/v1/leads/{id}', 'get'],
      ['/v1/leads/{id}', 'patch'],
      ['/v1/leads/{id}/accept', 'post'],
      ['/v1/leads/{id}/decline', 'post'],
      ['/v1/leads/{id}/contacts', 'post'],
      ['/v1/leads/{id}/won', 'post'],
      ['/v1/leads/{id}/lost', 'post'],
      ['/v1/leads/{id}/favorite', 'put'],
      ['/v1/leads/{id}/favorite', 'delete'],
      ['/v1/leads/{id}/history', 'get'],
    ] as const) {
      expect([path, method, paths[path]?.[method] !== undefined]).toEqual([path, method, true]);
    }
    const schemas = (reply.body.components as JsonObject | undefined)?.schemas as JsonObject | undefined;
    expect(Object.keys(schemas ?? {})).toEqual(expect.arrayContaining(['NewLead', 'PartnerLead', 'Problem']));
  });

  it('HEAD, OPTIONS and other methods on public routes never answer a 5xx', async () => {
    for (const method of ['HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/v1/health', '/openapi.json']) {
        const reply = await call(method, path);
        expect([method, path, reply.status < 500]).toEqual([method, path, true]);
      }
    }
  });
});
