/**
 * Verifies a sender system's client-credentials access token as API Gateway's JWT authorizer
 * would, minus its fixed audience list: any app client of the user pool whose token carries the
 * sender scope passes, so a sender registered after deployment (`npm run sender -- register`)
 * needs no change to the stacks. Whether the client is a registered sender is the handler's
 * question (403 sender-not-registered), answered from the sender directory.
 */
import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { listClaim, SENDER_SCOPE } from './auth.js';

export interface SenderToken {
  clientId: string;
  scope: string;
}

/** Why a token was refused, for the authorizer's log (never the token itself). */
export type SenderTokenRefusal =
  | 'invalid'
  | 'expired'
  | 'not-an-access-token'
  | 'no-sender-scope'
  | 'no-client';

/** Checks signature (RS256 from the pool's JWKS), issuer, expiry, `token_use` and scope. */
export async function verifySenderToken(
  token: string,
  options: { issuer: string; keys: JWTVerifyGetKey; clockToleranceSeconds?: number },
): Promise<SenderToken | SenderTokenRefusal> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: ['RS256'],
      clockTolerance: options.clockToleranceSeconds ?? 5,
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    return error instanceof errors.JWTExpired ? 'expired' : 'invalid';
  }
  // An ID token carries no scope and is for the client, not for an API.
  if (payload.token_use !== 'access') return 'not-an-access-token';
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  if (!listClaim(scope).includes(SENDER_SCOPE)) return 'no-sender-scope';
  if (typeof payload.client_id !== 'string' || payload.client_id.length === 0) return 'no-client';
  return { clientId: payload.client_id, scope };
}

/** The bearer token of an Authorization header, if it holds one. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}
