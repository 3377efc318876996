/**
 * The sender routes' authorizer: any app client's client-credentials access token of the pool is
 * verified and named (so onboarding needs no stack change); a refused one reaches the handler as its
 * reason and is answered 401 with the RFC 6750 challenge; the scope and the registration are the
 * handler's 403s. Tokens are signed here with an RS256 key whose public half a local HTTP server
 * publishes as the user pool's JWKS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { SENDER_SCOPE, senderPrincipal } from '../../functions/http/auth.js';
import { bearerOf, verifySenderToken } from '../../functions/http/sender-token.js';
import { senderClaims } from '../../local/claims.js';
import { apiEvent } from '../support/events.js';

const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
const keys = createLocalJWKSet(jwks);
const other = await generateKeyPair('RS256');

// The pool's JWKS, served as Cognito serves it: <issuer>/.well-known/jwks.json.
const jwksServer: Server = createServer((request, response) => {
  if (request.url?.endsWith('/.well-known/jwks.json')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(jwks));
  } else {
    response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/eu-west-1_TEST`;
afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

async function token(
  claims: JWTPayload,
  options: { key?: typeof privateKey; iss?: string; exp?: number; nbf?: number } = {},
) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '1h');
  if (options.nbf) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? privateKey);
}
const senderToken = (clientId = 'new-client-123', extra: JWTPayload = {}) =>
  token({ ...senderClaims(clientId), ...extra });
const now = () => Math.floor(Date.now() / 1000);

describe('sender token verification', () => {
  it('admits any app client of the pool, and names it and its scope', async () => {
    expect(await verifySenderToken(await senderToken('registered-yesterday'), { issuer, keys })).toEqual({
      clientId: 'registered-yesterday',
      scope: SENDER_SCOPE,
    });
  });

  it.each([
    [
      'signed by another key',
      () => token({ client_id: 'c', token_use: 'access' }, { key: other.privateKey }),
      'bad-signature',
    ],
    [
      'of another issuer',
      () => token({ client_id: 'c', token_use: 'access' }, { iss: 'https://evil.example' }),
      'not-accepted',
    ],
    ['expired', () => token({ client_id: 'c', token_use: 'access' }, { exp: now() - 60 }), 'expired'],
    [
      'not valid yet',
      () => token({ client_id: 'c', token_use: 'access' }, { nbf: now() + 600 }),
      'not-yet-valid',
    ],
    ['that is an ID token', () => senderToken('c', { token_use: 'id' }), 'not-accepted'],
    ['without a client id', () => token({ token_use: 'access', scope: SENDER_SCOPE }), 'not-accepted'],
    ['that is not a JWT', async () => 'not.a.jwt', 'malformed'],
  ])('refuses a token %s', async (_, make, reason) => {
    expect(await verifySenderToken(await make(), { issuer, keys })).toBe(reason);
  });

  it('refuses an HS256 token signed with the public key as a secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const forged = await new SignJWT({ client_id: 'c', token_use: 'access', scope: SENDER_SCOPE })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    expect(await verifySenderToken(forged, { issuer, keys })).toBe('not-accepted');
  });

  it('reads the bearer token of an Authorization header, or says why there is none', () => {
    expect(bearerOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerOf('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerOf('Basic dXNlcjpwYXNz')).toBe('missing');
    expect(bearerOf(undefined)).toBe('missing');
    expect(bearerOf('Bearer a b')).toBe('malformed-header');
  });
});

describe('the Lambda authorizer', () => {
  process.env.USER_POOL_ISSUER = issuer;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const authorize = async (authorization?: string) => {
    const { handler } = await import('../../functions/sender-authorizer/handler.js');
    const event = {
      type: 'REQUEST',
      routeKey: 'POST /v1/leads',
      headers: authorization ? { authorization } : {},
      identitySource: authorization ? [authorization] : [],
    } as unknown as APIGatewayRequestAuthorizerEventV2;
    return handler(event);
  };

  it("fetches the pool's keys and hands the handler the client and scope", async () => {
    expect(await authorize(`Bearer ${await senderToken('client-of-acme')}`)).toEqual({
      isAuthorized: true,
      context: { client_id: 'client-of-acme', scope: SENDER_SCOPE },
    });
  });

  it('passes a refused token on as its reason, for the handler to answer 401', async () => {
    const expired = await token({ client_id: 'c', token_use: 'access' }, { exp: now() - 60 });
    expect(await authorize(`Bearer ${expired}`)).toEqual({
      isAuthorized: true,
      context: { rejection: 'expired' },
    });
    expect(await authorize('Bearer x y')).toEqual({
      isAuthorized: true,
      context: { rejection: 'malformed-header' },
    });
  });
});

describe('the handler side of the Lambda authorizer', () => {
  const lookup = async (clientId: string) =>
    clientId === 'client-of-acme'
      ? { id: 'acme-leads', kind: 'partner' as const, name: 'Acme', notificationEmail: 'ops@acme.example' }
      : undefined;
  const lambdaEvent = (context: Record<string, unknown>) => {
    const event = apiEvent({ claims: null });
    Object.assign(event.requestContext, { authorizer: { lambda: context } });
    return event;
  };

  it('takes the client and scope the authorizer verified, and maps the client to its sender', async () => {
    const principal = await senderPrincipal(
      lambdaEvent({ client_id: 'client-of-acme', scope: SENDER_SCOPE }),
      lookup,
    );
    expect(principal).toMatchObject({
      kind: 'sender',
      clientId: 'client-of-acme',
      sender: { id: 'acme-leads' },
    });
  });

  it('answers 403 for a valid token without the sender scope, or of an unregistered client', async () => {
    await expect(
      senderPrincipal(lambdaEvent({ client_id: 'client-of-acme', scope: 'openid' }), lookup),
    ).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(
      senderPrincipal(lambdaEvent({ client_id: 'stranger', scope: SENDER_SCOPE }), lookup),
    ).rejects.toMatchObject({ status: 403, code: 'sender-not-registered' });
  });

  it('answers 401 with the RFC 6750 challenge for a refused token, and for no authorizer output', async () => {
    const refused = senderPrincipal(lambdaEvent({ rejection: 'expired' }), lookup);
    await expect(refused).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
      message: 'The token has expired.',
    });
    await expect(refused).rejects.toMatchObject({
      headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') },
    });
    await expect(senderPrincipal(lambdaEvent({ rejection: 'made-up' }), lookup)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('are not the ones this API accepts'),
    });
    await expect(senderPrincipal(lambdaEvent({}), lookup)).rejects.toMatchObject({ status: 401 });
  });
});
