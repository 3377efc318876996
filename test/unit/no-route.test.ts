/**
 * A request no route takes: the shared matcher (functions/http/route-match.ts), the API's
 * `$default` function (functions/no-route) and the local server, which must answer it alike.
 */

import { noRouteHandler } from '../../functions/http/no-route.js';
import { parseRouteKeys, routeKeysText, routeMatcher } from '../../functions/http/route-match.js';
import { routeList } from '../../functions/http/routes.js';
import { apiGatewayEvent } from '../../local/api-event.js';
import { startLocalApi } from '../../local/http-server.js';
import { freePort } from '../../local/ports.js';

const routeKeys = routeKeysText(routeList);
const noRoute = noRouteHandler({ ROUTE_KEYS: routeKeys });
const withCors = noRouteHandler({ ROUTE_KEYS: routeKeys, CORS_PREFLIGHT: 'true' });

const event = (method: string, path: string, headers: Record<string, string> = {}) =>
  apiGatewayEvent({ method, path, routePath: '$default', headers });

async function answer(
  run: ReturnType<typeof noRouteHandler>,
  method: string,
  path: string,
  headers?: Record<string, string>,
) {
  const result = await run(event(method, path, headers));
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: typeof result.body === 'string' ? JSON.parse(result.body) : undefined,
  };
}

describe('route matcher', () => {
  const match = routeMatcher(routeList);

  it('finds the route and decodes its path parameters', () => {
    const matched = match('post', '/v1/webhooks/wh%201/deliveries/d-2/retry');
    expect(matched).toEqual({
      kind: 'route',
      route: expect.objectContaining({ name: 'retry-webhook-delivery' }),
      pathParameters: { id: 'wh 1', deliveryId: 'd-2' },
    });
  });

  it('keeps a malformed escape as sent, for the route to refuse as any bad id', () => {
    expect(match('GET', '/v1/leads/%ZZ')).toMatchObject({ kind: 'route', pathParameters: { id: '%ZZ' } });
  });

  it('lists the methods of a known path in table order when the method is not one', () => {
    expect(match('DELETE', '/v1/leads')).toEqual({ kind: 'method-not-allowed', allowed: ['POST', 'GET'] });
    expect(match('HEAD', '/v1/health')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
  });

  it('knows no path the table lacks: a trailing slash, an empty segment, a dot taken literally', () => {
    for (const path of ['/', '/v1', '/v1/leads/', '/v1/leads//accept', '/openapiXjson', '/V1/health']) {
      expect([path, match('GET', path)]).toEqual([path, { kind: 'not-found' }]);
    }
  });

  it('reads back the route keys the stack writes, and refuses a malformed one', () => {
    expect(parseRouteKeys(routeKeys)).toEqual(routeList.map(({ method, path }) => ({ method, path })));
    expect(() => parseRouteKeys('')).toThrow(/ROUTE_KEYS/);
    expect(() => parseRouteKeys('GET /v1/health,/v1/leads')).toThrow(/"\/v1\/leads"/);
  });
});

describe('no-route function ($default)', () => {
  it('answers an unknown path 404 not-found, pointing at /openapi.json', async () => {
    const { status, headers, body } = await answer(noRoute, 'GET', '/v1/nothing-here');
    expect(status).toBe(404);
    expect(headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(body).toEqual({
      type: 'https://partner-referrals.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      code: 'not-found',
      detail: 'No route has this path. The API is described at /openapi.json.',
    });
  });

  it('answers a known path with another method 405 method-not-allowed, with Allow', async () => {
    const { status, headers, body } = await answer(
      noRoute,
      'PUT',
      '/v1/leads/01J0000000000000000000000/accept',
    );
    expect(status).toBe(405);
    expect(headers).toEqual({ 'content-type': 'application/problem+json', allow: 'POST' });
    expect(body).toMatchObject({
      code: 'method-not-allowed',
      detail: 'This path takes POST. The API is described at /openapi.json.',
    });
    expect((await answer(noRoute, 'HEAD', '/v1/profile')).headers.allow).toBe('GET, PUT');
  });

  it('answers a CORS preflight of a known path 204 when the API configures CORS, and only then', async () => {
    const preflight = { origin: 'https://console.example', 'access-control-request-method': 'POST' };
    expect(await answer(withCors, 'OPTIONS', '/v1/leads', preflight)).toEqual({
      status: 204,
      headers: {},
      body: undefined,
    });
    // Not a preflight (no Access-Control-Request-Method), an unknown path, or no CORS: as locally.
    expect(
      (await answer(withCors, 'OPTIONS', '/v1/leads', { origin: 'https://console.example' })).status,
    ).toBe(405);
    expect((await answer(withCors, 'OPTIONS', '/v1/nothing', preflight)).status).toBe(404);
    expect((await answer(noRoute, 'OPTIONS', '/v1/leads', preflight)).status).toBe(405);
  });

  it('answers 404 should API Gateway ever send it a request a route takes', async () => {
    expect((await answer(noRoute, 'GET', '/v1/health')).body).toMatchObject({ code: 'not-found' });
  });

  it('takes its route keys from ROUTE_KEYS, and fails at load without them', () => {
    expect(() => noRouteHandler({})).toThrow(/ROUTE_KEYS/);
  });
});

describe('local server and $default function', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const port = await freePort();
    const refuse = () => Promise.reject(new Error('no request here reaches a route'));
    ({ close } = await startLocalApi({
      port,
      signer: { sign: refuse, verify: refuse },
      audiences: () => [],
      loadHandler: refuse,
    }));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => close());

  it.each([
    ['GET', '/'],
    ['GET', '/v1/nothing-here'],
    ['POST', '/v1/leads/'],
    ['DELETE', '/v1/leads'],
    ['PATCH', '/v1/profile'],
    ['GET', '/v1/webhooks/wh-1/replay'],
    ['OPTIONS', '/v1/health'],
  ])('answer %s %s alike', async (method, path) => {
    const local = await fetch(`${base}${path}`, { method });
    const aws = await answer(noRoute, method, path);
    expect({
      status: local.status,
      contentType: local.headers.get('content-type'),
      allow: local.headers.get('allow') ?? undefined,
      body: await local.json(),
    }).toEqual({
      status: aws.status,
      contentType: aws.headers['content-type'],
      allow: aws.headers.allow,
      body: aws.body,
    });
  });
});
