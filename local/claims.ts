/**
 * The claims of the tokens this API meets, built in one place: the token tool and the integration
 * tests sign them, and the handler tests, the bench and the local server hand them to handlers the
 * way API Gateway's JWT authorizer does.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type PARTNER_ROLES, SENDER_SCOPE } from '../functions/http/auth.js';

/** The local app client partner users sign in with (the partner client of the user pool on AWS). */
export const LOCAL_PARTNER_CLIENT = 'local-partner-app';
/** The role a partner token carries unless told otherwise. */
export const DEFAULT_ROLE: (typeof PARTNER_ROLES)[number] = 'referrals-admin';

/** A JWT payload: what a token says, before API Gateway flattens it. */
export type Claims = Record<string, string | number | boolean | string[]>;

/** A partner user's access token, as Cognito issues it once the pre-token trigger added `partner_id`. */
export function partnerClaims(partnerId: string, options: { role?: string; user?: string } = {}): Claims {
  return {
    sub: options.user ?? `${partnerId}-user`,
    partner_id: partnerId,
    'cognito:groups': [options.role ?? DEFAULT_ROLE],
    client_id: LOCAL_PARTNER_CLIENT,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
  };
}

/** A sender system's client-credentials access token; locally its client id is its sender id. */
export function senderClaims(senderId: string): Claims {
  return { sub: senderId, client_id: senderId, token_use: 'access', scope: SENDER_SCOPE };
}

/** Claims as API Gateway hands them to a Lambda: every value a string, arrays as "[a b]". */
export function asGatewayClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    claims[key] = Array.isArray(value) ? `[${value.join(' ')}]` : String(value);
  }
  return claims;
}

export type JwtAuthorizer = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'];

/** What the HTTP API's JWT authorizer puts in the request context for a token it verified. */
export function jwtAuthorizer(payload: Record<string, unknown>): JwtAuthorizer {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  return { principalId: '', integrationLatency: 0, jwt: { claims: asGatewayClaims(payload), scopes } };
}
