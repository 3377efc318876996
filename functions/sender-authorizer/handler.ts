/**
 * The HTTP API's Lambda authorizer of the sender routes (payload 2.0, simple responses): admits a
 * client-credentials access token of the user pool with the sender scope, whatever its app client,
 * and hands the handler its `client_id` and `scope` (see functions/http/sender-token.ts). Partner
 * routes keep the built-in JWT authorizer.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { bearerOf, verifySenderToken } from '../http/sender-token.js';
import { logger } from '../shared/logger.js';

const issuer = getStringFromEnv({ key: 'USER_POOL_ISSUER', errorMessage: 'USER_POOL_ISSUER is not set' });
// Fetched once per container and kept (jose refreshes it when a token names an unknown key).
const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

export interface SenderAuthorizerContext {
  client_id: string;
  scope: string;
}

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<SenderAuthorizerContext | Record<string, never>>> => {
  const token = bearerOf(event.headers?.authorization ?? event.identitySource?.[0]);
  const verdict = token ? await verifySenderToken(token, { issuer, keys }) : 'invalid';
  if (typeof verdict === 'string') {
    // The reason only: a token identifies its holder.
    logger.info('sender token refused', { reason: verdict, route: event.routeKey });
    return { isAuthorized: false, context: {} };
  }
  return { isAuthorized: true, context: { client_id: verdict.clientId, scope: verdict.scope } };
};
