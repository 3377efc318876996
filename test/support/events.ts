/** API Gateway v2 events and Lambda contexts for handler tests, built with the shared builders. */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type ApiEvent, apiGatewayEvent } from '../../local/api-event.js';
import {
  type Claims,
  jwtAuthorizer,
  partnerClaims as partnerToken,
  senderClaims as senderToken,
} from '../../local/claims.js';

export const senderClaims = (senderId = 'microsoft-marketing') => senderToken(senderId);

/** A partner user's claims; the handler tests act as `user-1` of `contoso` unless told otherwise. */
export const partnerClaims = (partnerId = 'contoso', role?: string, user = 'user-1') =>
  partnerToken(partnerId, { ...(role ? { role } : {}), user });

export function apiEvent(options: {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** The verified token's claims (`user-1` of `contoso` by default); `null` for no authorizer output. */
  claims?: Claims | null;
}): ApiEvent {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return apiGatewayEvent({
    method: options.method ?? 'GET',
    path: options.path ?? '/',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.query ? { query: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    ...(options.claims === null ? {} : { authorizer: jwtAuthorizer(options.claims ?? partnerClaims()) }),
    requestId: 'req-1',
  });
}

export const context = {
  awsRequestId: 'req-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export async function call(handler: Handler, event: ApiEvent) {
  const result = await handler(event, context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}
