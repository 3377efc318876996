/**
 * Calling the bundled Lambda handlers in-process, with API Gateway v2 events shaped like the ones
 * the local server (and API Gateway's JWT authorizer) builds.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { SENDER_SCOPE } from '../functions/http/auth.js';
import type { Route } from '../functions/http/routes.js';
import { asGatewayClaims } from '../local/jwt.js';
import { lambdaContext } from '../local/lambda-context.js';

export type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
export type Handler = (event: Event, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Imports a bundle as a new module instance (the tag keeps instances apart), so each instance
 * builds its own SDK client from the environment as it is now, like a fresh Lambda sandbox.
 */
export async function loadHandler(file: string, tag: string): Promise<Handler> {
  const loaded: unknown = await import(`${pathToFileURL(file).href}?instance=${tag}`);
  if (typeof loaded !== 'object' || loaded === null || !('handler' in loaded)) {
    throw new Error(`${file} exports no handler`);
  }
  const { handler } = loaded;
  if (typeof handler !== 'function') throw new Error(`${file}: handler is not a function`);
  return handler as Handler;
}

export type Caller = { partner: string } | { sender: string };

/** The authorizer's output for a token like the ones `npm run token` signs, as API Gateway passes it. */
function authorizer(caller: Caller): Event['requestContext']['authorizer'] {
  const now = Math.floor(Date.now() / 1000);
  const common = { iss: 'https://partner-referrals.local/issuer', iat: now, exp: now + 3600 };
  const payload =
    'partner' in caller
      ? {
          ...common,
          sub: `${caller.partner}-user`,
          partner_id: caller.partner,
          'cognito:groups': ['referrals-admin'],
          client_id: 'local-partner-app',
          token_use: 'access',
          scope: 'aws.cognito.signin.user.admin',
        }
      : {
          ...common,
          sub: caller.sender,
          client_id: caller.sender,
          token_use: 'access',
          scope: SENDER_SCOPE,
        };
  return {
    principalId: '',
    integrationLatency: 0,
    jwt: { claims: asGatewayClaims(payload), scopes: payload.scope.split(' ') },
  };
}

export interface Request {
  caller?: Caller;
  id?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

export function apiEvent(route: Route, request: Request): Event {
  const rawPath = route.path.replace('{id}', request.id ?? '');
  const query = request.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    host: 'api.bench.local',
    'user-agent': 'bench',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...request.headers,
  };
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(request.id === undefined ? {} : { pathParameters: { id: request.id } }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'api.bench.local',
      domainPrefix: 'api',
      http: {
        method: route.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      // Public routes get no authorizer output, as on API Gateway.
      authorizer: (request.caller
        ? authorizer(request.caller)
        : undefined) as Event['requestContext']['authorizer'],
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

/** Calls a handler and fails loudly on any status but the expected one: a bench of errors measures nothing. */
export async function invoke(
  handler: Handler,
  route: Route,
  request: Request,
): Promise<APIGatewayProxyStructuredResultV2> {
  const result = await handler(apiEvent(route, request), lambdaContext(route.name));
  if (result.statusCode !== route.success.status) {
    throw new Error(
      `${route.method} ${route.path} answered ${result.statusCode}, not ${route.success.status}: ${String(result.body ?? '').slice(0, 300)}`,
    );
  }
  return result;
}
