/**
 * Verifies a sender system's client-credentials access token as API Gateway's JWT authorizer
 * would, minus its fixed audience list: any app client of the user pool passes, so a sender
 * registered after deployment (`npm run sender -- register`) needs no change to the stacks. The
 * scope and whether the client is a registered sender are the handler's questions (403), as are
 * the refusals' answers: a 401 problem with the RFC 6750 challenge, the same as locally.
 */
import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { TokenRejection } from './problem.js';

export interface SenderToken {
  clientId: string;
  scope: string;
}

/** Why a token was refused, as the 401's `error_description` says it. */
function rejectionOf(error: unknown): Exclude<TokenRejection, 'missing' | 'malformed-header'> {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') return 'not-yet-valid';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  return 'not-accepted';
}

/** Checks signature (RS256 from the pool's JWKS), issuer, expiry and `token_use`. */
export async function verifySenderToken(
  token: string,
  options: { issuer: string; keys: JWTVerifyGetKey; clockToleranceSeconds?: number },
): Promise<SenderToken | TokenRejection> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: ['RS256'],
      clockTolerance: options.clockToleranceSeconds ?? 5,
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    return rejectionOf(error);
  }
  // An ID token is for the client, not for an API; Cognito's client-credentials tokens name a client.
  if (payload.token_use !== 'access' || typeof payload.client_id !== 'string' || payload.client_id === '')
    return 'not-accepted';
  return { clientId: payload.client_id, scope: typeof payload.scope === 'string' ? payload.scope : '' };
}

/** The bearer token of an Authorization header, or why there is none. */
export function bearerOf(header: string | undefined): string | 'missing' | 'malformed-header' {
  if (!header?.trim()) return 'missing';
  if (!/^bearer\s/i.test(header.trim())) return 'missing';
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match?.[1] ?? 'malformed-header';
}
