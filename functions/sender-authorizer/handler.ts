/**
 * The HTTP API's Lambda authorizer of the sender routes (payload 2.0, simple responses): verifies a
 * client-credentials access token of the user pool, whatever its app client, and hands the handler
 * its `client_id` and `scope` (see functions/http/sender-token.ts). A refused token is passed on as
 * its reason, not refused here: an HTTP API Lambda authorizer can only refuse with a bare 403, and
 * OAuth clients renew their token on a 401, which the handler answers with the RFC 6750 challenge.
 * Partner routes keep the built-in JWT authorizer.
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
// Fetched once per container and kept (jose refetches when a token names a key it has not seen).
const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

/** What the handler gets in `requestContext.authorizer.lambda`. */
export type SenderAuthorizerContext = { client_id: string; scope: string } | { rejection: string };

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<SenderAuthorizerContext>> => {
  const bearer = bearerOf(event.headers?.authorization);
  const verdict =
    bearer === 'missing' || bearer === 'malformed-header'
      ? bearer
      : await verifySenderToken(bearer, { issuer, keys });
  if (typeof verdict === 'string') {
    // The reason only: a token identifies its holder.
    logger.info('sender token refused', { reason: verdict, route: event.routeKey });
    return { isAuthorized: true, context: { rejection: verdict } };
  }
  return { isAuthorized: true, context: { client_id: verdict.clientId, scope: verdict.scope } };
};
