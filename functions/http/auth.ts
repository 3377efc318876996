/**
 * Who is calling, from the verified JWT only. On AWS the HTTP API's JWT authorizer has verified
 * the token and hands over its claims; locally the local server verifies it with the same rules
 * and hands them over in the same shape. Nothing here trusts a path or a body.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Sender, slugSchema } from '../domain/lead.js';
import { problems, type TokenRejection, tokenRejections } from './problem.js';

export const PARTNER_ROLES = ['mpn-partner-admin', 'referrals-admin'] as const;
export const SENDER_SCOPE = 'referrals/leads.write';

export interface PartnerPrincipal {
  kind: 'partner';
  partnerId: string;
  userSub: string;
}
export interface SenderPrincipal {
  kind: 'sender';
  clientId: string;
  sender: Sender;
}

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * A list claim as the handler receives it. API Gateway flattens an array claim to "[a b]" (the
 * items joined by spaces); tokens verified locally pass through the same flattening. Cognito group
 * names may hold commas and brackets but never whitespace, so whitespace is the only separator: a
 * group named `x,referrals-admin` stays one group and grants nothing. No JSON parsing either, or a
 * group named `"referrals-admin"` (quotes included) would read as the role.
 */
export function listClaim(value: Claims[string] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(/\s+/).filter(Boolean);
}

/**
 * What the sender routes' Lambda authorizer hands over: the verified token's client and scope, or
 * why it refused the token (a 401 here, with the challenge the local server gives too).
 */
function lambdaAuthorizerClaims(event: APIGatewayProxyEventV2WithJWTAuthorizer): Claims | undefined {
  // The event type names the JWT authorizer's output; behind the Lambda authorizer the same slot holds `lambda`.
  const authorizer: object | undefined = event.requestContext?.authorizer;
  const lambda = authorizer && 'lambda' in authorizer ? authorizer.lambda : undefined;
  if (typeof lambda !== 'object' || lambda === null) return undefined;
  const { client_id: clientId, scope, rejection } = lambda as Record<string, unknown>;
  if (typeof rejection === 'string') throw problems.unauthorized(tokenRejectionOf(rejection));
  if (typeof clientId !== 'string' || typeof scope !== 'string') return undefined;
  return { client_id: clientId, scope };
}

const tokenRejectionOf = (reason: string): TokenRejection =>
  reason === 'missing' || reason in tokenRejections ? (reason as TokenRejection) : 'not-accepted';

function claimsOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): { claims: Claims; scopes: string[] } {
  const jwt = event.requestContext?.authorizer?.jwt;
  if (!jwt?.claims) {
    const claims = lambdaAuthorizerClaims(event);
    if (claims) return { claims, scopes: listClaim(claims.scope) };
    throw problems.unauthorized();
  }
  const claims = jwt.claims as Claims;
  // The HTTP API's JWT authorizer accepts a Cognito ID token too (its aud is the app client), and the
  // pre-token trigger puts partner_id in both: only access tokens are credentials for this API.
  if (claims.token_use !== 'access') throw problems.unauthorized('not-an-access-token');
  const scopes = jwt.scopes && jwt.scopes.length > 0 ? jwt.scopes : listClaim(claims.scope);
  return { claims, scopes };
}

export function partnerPrincipal(event: APIGatewayProxyEventV2WithJWTAuthorizer): PartnerPrincipal {
  const { claims } = claimsOf(event);
  const groups = listClaim(claims['cognito:groups']);
  if (!groups.some((g) => (PARTNER_ROLES as readonly string[]).includes(g))) {
    throw problems.forbidden(`Requires one of the roles ${PARTNER_ROLES.join(', ')}.`);
  }
  const partnerId = slugSchema.safeParse(claims.partner_id);
  const sub = claims.sub;
  if (!partnerId.success || typeof sub !== 'string' || sub.length === 0) {
    throw problems.forbidden('The token names no partner.');
  }
  return { kind: 'partner', partnerId: partnerId.data, userSub: sub };
}

export async function senderPrincipal(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  lookup: (clientId: string) => Promise<Sender | undefined>,
): Promise<SenderPrincipal> {
  const { claims, scopes } = claimsOf(event);
  if (!scopes.includes(SENDER_SCOPE)) throw problems.forbidden(`Requires the scope ${SENDER_SCOPE}.`);
  const clientId = claims.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0)
    throw problems.forbidden('The token names no client.');
  const sender = await lookup(clientId);
  if (!sender) throw problems.senderNotRegistered();
  return { kind: 'sender', clientId, sender };
}
