/**
 * Local tokens: signed with a key kept under .local/ (never accepted by the deployed stack, whose
 * API Gateway authorizer trusts only the Cognito user pool), and verified with the rules the HTTP
 * API's JWT authorizer applies: signature, issuer, expiry, and an allowed client (audience).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { TokenRejection } from '../functions/http/problem.js';

export const LOCAL_ISSUER = 'https://partner-referrals.local/issuer';
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

/** The token names no client this API accepts (API Gateway's audience check). */
class AudienceError extends Error {}

/** How far ahead of this clock a token's `iat` may be: issuers' clocks drift, but not by a year. */
export const IAT_SKEW_SECONDS = 60;

/** The token says it was issued in the future, beyond the skew: a clock or a forger is wrong. */
class IssuedInFutureError extends Error {}

/** The bearer token of an Authorization header, or why there is none (RFC 6750 §2.1). */
export function bearerTokenOf(header: string | undefined): string | { rejected: TokenRejection } {
  const value = (header ?? '').trim();
  const token = /^Bearer +(\S+)$/i.exec(value)?.[1];
  if (token) return token;
  // No credentials, or credentials of another scheme: a plain challenge, no error (RFC 6750 §3.1).
  const scheme = /^(\S+)(?: |$)/.exec(value)?.[1];
  if (value === '' || (scheme !== undefined && value.includes(' ') && !/^bearer$/i.test(scheme))) {
    return { rejected: 'missing' };
  }
  return { rejected: 'malformed-header' };
}

/** Why verification refused a token, in the few words a 401 may say. */
export function rejectionOf(error: unknown): Exclude<TokenRejection, 'missing' | 'malformed-header'> {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof IssuedInFutureError) return 'not-yet-valid';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (
    error instanceof errors.JWTClaimValidationFailed &&
    error.claim === 'nbf' &&
    error.reason === 'check_failed'
  ) {
    return 'not-yet-valid';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  return 'not-accepted';
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
        // A given iat is kept (tests sign skewed clocks); otherwise now.
        .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : undefined)
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    async verify(token, audiences) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        algorithms: [ALG],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      // jose checks iat only against a maxTokenAge, and a token's lifetime is its issuer's choice here.
      if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + IAT_SKEW_SECONDS) {
        throw new IssuedInFutureError();
      }
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
        throw new AudienceError();
      }
      return payload;
    },
  };
}
