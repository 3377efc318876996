/**
 * The sender routes' authorizer: any app client's client-credentials access token with the sender
 * scope passes (so onboarding needs no stack change); everything else is refused. Tokens are
 * signed here with an RS256 key whose public half stands in for the user pool's JWKS.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { SENDER_SCOPE, senderPrincipal } from '../../functions/http/auth.js';
import { bearerOf, verifySenderToken } from '../../functions/http/sender-token.js';
import { apiEvent } from '../support/events.js';

const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST';
const { privateKey, publicKey } = await generateKeyPair('RS256');
const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
const other = await generateKeyPair('RS256');

async function token(
  claims: JWTPayload,
  options: { key?: typeof privateKey; iss?: string; exp?: string | number; alg?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: 'k1' })
    .setIssuer(options.iss ?? issuer)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '1h')
    .sign(options.key ?? privateKey);
}
const senderToken = (clientId = 'new-client-123', extra: JWTPayload = {}) =>
  token({ client_id: clientId, token_use: 'access', scope: SENDER_SCOPE, sub: clientId, ...extra });

describe('sender token verification', () => {
  it('admits any app client of the pool with the sender scope, and names it', async () => {
    expect(await verifySenderToken(await senderToken('registered-yesterday'), { issuer, keys })).toEqual({
      clientId: 'registered-yesterday',
      scope: SENDER_SCOPE,
    });
  });

  it.each([
    [
      'signed by another key',
      async () =>
        token({ client_id: 'c', token_use: 'access', scope: SENDER_SCOPE }, { key: other.privateKey }),
      'invalid',
    ],
    [
      'of another issuer',
      async () =>
        token({ client_id: 'c', token_use: 'access', scope: SENDER_SCOPE }, { iss: 'https://evil.example' }),
      'invalid',
    ],
    [
      'expired',
      async () =>
        token(
          { client_id: 'c', token_use: 'access', scope: SENDER_SCOPE },
          { exp: Math.floor(Date.now() / 1000) - 60 },
        ),
      'expired',
    ],
    ['an ID token', async () => senderToken('c', { token_use: 'id' }), 'not-an-access-token'],
    [
      'without the sender scope',
      async () => senderToken('c', { scope: 'aws.cognito.signin.user.admin' }),
      'no-sender-scope',
    ],
    [
      'a scope that only contains the sender scope as a prefix',
      async () => senderToken('c', { scope: `${SENDER_SCOPE}x` }),
      'no-sender-scope',
    ],
    ['without a client id', async () => token({ token_use: 'access', scope: SENDER_SCOPE }), 'no-client'],
    ['not a JWT', async () => 'not.a.jwt', 'invalid'],
  ])('refuses a token %s', async (_, make, reason) => {
    expect(await verifySenderToken(await make(), { issuer, keys })).toBe(reason);
  });

  it('refuses an HS256 token signed with the public key as a secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
    const forged = await new SignJWT({ client_id: 'c', token_use: 'access', scope: SENDER_SCOPE })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    expect(await verifySenderToken(forged, { issuer, keys })).toBe('invalid');
  });

  it('reads the bearer token of an Authorization header, and nothing else', () => {
    expect(bearerOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerOf('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
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

  it('takes the client and scope the Lambda authorizer verified, and maps the client to its sender', async () => {
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

  it('answers 403 sender-not-registered for a valid token of an unregistered client', async () => {
    await expect(
      senderPrincipal(lambdaEvent({ client_id: 'stranger', scope: SENDER_SCOPE }), lookup),
    ).rejects.toMatchObject({ status: 403, code: 'sender-not-registered' });
  });

  it('answers 401 when no authorizer output is there at all', async () => {
    await expect(senderPrincipal(lambdaEvent({}), lookup)).rejects.toMatchObject({ status: 401 });
  });
});
