/**
 * API Gateway v2 (HTTP API) events, built in one place: the local server turns each request into
 * one, and the handler tests and the bench call handlers with them.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JwtAuthorizer } from './claims.js';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface ApiEventInput {
  method: string;
  /** The request path as sent (`/v1/leads/01J…`). */
  path: string;
  /** The route's path template (`/v1/leads/{id}`), for the route key; the path itself when absent. */
  routePath?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The query string as sent; built from `query` when absent. */
  rawQueryString?: string;
  pathParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /** The authorizer's output for a verified token; public routes get none, as on API Gateway. */
  authorizer?: JwtAuthorizer;
  requestId?: string;
  sourceIp?: string;
  protocol?: string;
}

export function apiGatewayEvent(input: ApiEventInput): ApiEvent {
  const headers = input.headers ?? {};
  const query = input.query ?? {};
  const routeKey = `${input.method} ${input.routePath ?? input.path}`;
  const domainName = headers.host ?? 'localhost';
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: input.path,
    rawQueryString: input.rawQueryString ?? new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(input.pathParameters && Object.keys(input.pathParameters).length > 0
      ? { pathParameters: input.pathParameters }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: input.method,
        path: input.path,
        protocol: input.protocol ?? 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      // The type says always present; API Gateway leaves it out on routes without an authorizer.
      authorizer: input.authorizer as JwtAuthorizer,
    },
    ...(input.body === undefined ? {} : { body: input.body }),
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
}
