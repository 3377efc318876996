/**
 * Local tokens: signed with a key kept under .local/ (never accepted by the deployed stack, whose
 * API Gateway authorizer trusts only the Cognito user pool), and verified with the rules the HTTP
 * API's JWT authorizer applies: signature, issuer, expiry, and an allowed client (audience).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { SENDER_SCOPE } from '../functions/http/auth.js';

export const LOCAL_ISSUER = 'https://partner-referrals.local/issuer';
export const LOCAL_PARTNER_CLIENT = 'local-partner-app';
const ALG = 'ES256';

export const keyFile = (root = process.cwd()) => join(root, '.local', 'jwt-signing-key.json');

async function loadOrCreateKey(file: string): Promise<JWK> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), alg: ALG, kid: `local-${Date.now()}` };
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(jwk), { mode: 0o600 });
    // Atomic: a concurrent first run keeps whichever key landed last, and both read that one.
    renameSync(tmp, file);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}

export interface LocalSigner {
  sign(claims: JWTPayload, ttlSeconds?: number): Promise<string>;
  verify(token: string, audiences: string[]): Promise<JWTPayload>;
}

export async function localSigner(file = keyFile()): Promise<LocalSigner> {
  const jwk = await loadOrCreateKey(file);
  const privateKey = await importJWK(jwk, ALG);
  const { d: _private, ...publicJwk } = jwk;
  const publicKey = await importJWK(publicJwk, ALG);
  return {
    sign: (claims, ttlSeconds = 3600) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: jwk.kid ?? 'local', typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    async verify(token, audiences) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        algorithms: [ALG],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      // Like API Gateway: the token's aud, or else its client_id, must be an allowed audience. Every
      // sender system is its own client locally, so a client-credentials token (one with a scope of
      // the resource server) passes here and meets the handler's registration check.
      const audience = payload.aud ?? payload.client_id;
      const given = Array.isArray(audience) ? audience : [audience];
      const senderClient =
        typeof payload.client_id === 'string' &&
        String(payload.scope ?? '')
          .split(' ')
          .some((s) => s.startsWith('referrals/'));
      if (!senderClient && !given.some((a) => typeof a === 'string' && audiences.includes(a))) {
        throw new Error('audience');
      }
      return payload;
    },
  };
}

/** Claims as API Gateway hands them to a Lambda: every value a string, arrays as "[a b]". */
export function asGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    claims[key] = Array.isArray(value) ? `[${value.join(' ')}]` : String(value);
  }
  return claims;
}

/** The claims of a partner user's access token, as the Cognito pre-token trigger shapes them. */
export function partnerTokenClaims(partnerId: string, role: string, user = `${partnerId}-user`): JWTPayload {
  return {
    sub: user,
    partner_id: partnerId,
    'cognito:groups': [role],
    client_id: LOCAL_PARTNER_CLIENT,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
  };
}

/** The claims of a sender system's client-credentials access token. */
export function senderTokenClaims(senderId: string): JWTPayload {
  return { sub: senderId, client_id: senderId, token_use: 'access', scope: SENDER_SCOPE };
}
