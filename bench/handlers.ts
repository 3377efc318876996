/**
 * Calling the bundled Lambda handlers in-process, with API Gateway v2 events shaped like the ones
 * the local server (and API Gateway's JWT authorizer) builds.
 */
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Route } from '../functions/http/routes.js';
import { type ApiEvent, apiGatewayEvent } from '../local/api-event.js';
import { jwtAuthorizer, partnerClaims, senderClaims } from '../local/claims.js';
import { LOCAL_ISSUER } from '../local/jwt.js';
import { lambdaContext } from '../local/lambda-context.js';

export type Event = ApiEvent;
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
function authorizer(caller: Caller) {
  const now = Math.floor(Date.now() / 1000);
  const claims = 'partner' in caller ? partnerClaims(caller.partner) : senderClaims(caller.sender);
  return jwtAuthorizer({ ...claims, iss: LOCAL_ISSUER, iat: now, exp: now + 3600 });
}

export interface Request {
  caller?: Caller;
  id?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

export function apiEvent(route: Route, request: Request): Event {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return apiGatewayEvent({
    method: route.method,
    path: route.path.replace('{id}', request.id ?? ''),
    routePath: route.path,
    headers: {
      host: 'api.bench.local',
      'user-agent': 'bench',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    },
    ...(request.query ? { query: request.query } : {}),
    ...(request.id === undefined ? {} : { pathParameters: { id: request.id } }),
    ...(body === undefined ? {} : { body }),
    ...(request.caller ? { authorizer: authorizer(request.caller) } : {}),
  });
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
