/**
 * The middy stack every HTTP function shares, handler last: normalise headers -> authenticate ->
 * parse the JSON body (size and content-type checks) -> validate with the route's zod schemas ->
 * problem+json errors, logged with the Lambda context when they are ours to fix. An authenticated
 * caller is counted against its fair-use limit right after authentication, before any other work:
 * that middleware comes in with the route's dependencies (`./fair-use.ts`), so a public route's
 * bundle carries neither it nor the DynamoDB client it counts with.
 * A handler gets a typed, validated request and returns a reply; it never builds an error response
 * itself.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import { DomainError } from '../domain/errors.js';
import type { FairUseVerdict } from '../domain/fair-use.js';
import type { Sender } from '../domain/lead.js';
import { type PartnerPrincipal, partnerPrincipal, type SenderPrincipal, senderPrincipal } from './auth.js';
import { jsonErrorAt } from './json-error.js';
import { errorResponse, issuesOf, PROBLEM_BASE, problemResponse, problems } from './problem.js';
import type { Route } from './routes.js';

export const MAX_BODY_BYTES = 64 * 1024;

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;
type Out<S> = S extends z.ZodMiniType ? z.output<S> : Record<string, never>;
/** The caller each kind of access authenticates. */
interface Principals {
  public: undefined;
  partner: PartnerPrincipal;
  sender: SenderPrincipal;
}
type PrincipalOf<R extends Route> = Principals[R['access']];

export interface RouteRequest<R extends Route> {
  principal: PrincipalOf<R>;
  params: Out<R['params']>;
  query: Out<R['query']>;
  headers: Out<R['headers']>;
  body: Out<R['body']>;
  requestId: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Resolves an OAuth client id to its registered sender. */
export type SenderForClient = (clientId: string) => Promise<Sender | undefined>;

/** A middleware of the shared stack, which sees what the stack parsed so far. */
export type RouteMiddleware = MiddlewareObj<Event, Result, Error, ParsingContext>;

/** Counts an authenticated caller's requests (`./fair-use.ts`), built for one route. */
export type FairUse = (route: Route) => RouteMiddleware;

/**
 * What a route's handler needs besides the route: an authenticated route cannot be built without
 * its fair-use gate, a sender route without its sender lookup.
 */
interface DepsByAccess {
  public: [];
  partner: [deps: { fairUse: FairUse }];
  sender: [deps: { fairUse: FairUse; senderForClient: SenderForClient }];
}
export type RouteDeps<R extends Route> = DepsByAccess[R['access']];

interface Parsed {
  body?: unknown;
  principal?: PartnerPrincipal | SenderPrincipal;
  /** A read route's fair-use verdict, decided while the handler reads. */
  fairUse?: Promise<FairUseVerdict>;
}
export type ParsingContext = Context & { parsed: Parsed };

/** JSON body: at most 64 KiB, JSON media types only, well-formed. */
function jsonBody(route: Route): RouteMiddleware {
  return {
    before: ({ event, context }) => {
      if (!route.body) return;
      const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
      if (raw && raw.length > MAX_BODY_BYTES) throw problems.tooLarge(MAX_BODY_BYTES);
      if (!raw || raw.length === 0) return;
      const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!/^application\/(?:[\w.+-]+\+)?json$/.test(type)) throw problems.unsupportedMediaType();
      const text = raw.toString('utf8');
      try {
        context.parsed.body = JSON.parse(text);
      } catch {
        throw problems.malformedJson(jsonErrorAt(text));
      }
    },
  };
}

function authenticate(route: Route, senderForClient: SenderForClient | undefined): RouteMiddleware {
  return {
    before: async ({ event, context }) => {
      context.parsed = {};
      if (route.access === 'partner') context.parsed.principal = partnerPrincipal(event);
      if (route.access === 'sender' && senderForClient) {
        context.parsed.principal = await senderPrincipal(event, senderForClient);
      }
    },
  };
}

/** One part of the request through its schema; a route without that part gets `{}`. */
function parsePart(schema: z.ZodMiniType | undefined, value: unknown, prefix: string): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(issuesOf(result.error, prefix));
  return result.data;
}

/**
 * The request a route's handler gets: the caller the middleware authenticated and every part
 * of the request parsed with the route's own schemas.
 */
export function parseRequest<R extends Route>(
  route: R,
  event: Event,
  parsed: Parsed,
  requestId: string,
): RouteRequest<R> {
  let params: unknown = {};
  if (route.params) {
    // A malformed id names nothing: that is the route's 404, as for any unknown id.
    const result = route.params.safeParse(event.pathParameters ?? {});
    if (!result.success) {
      const notFound = route.notFound ?? { code: 'not-found', title: 'Not found' };
      throw new DomainError(404, notFound.code, notFound.title);
    }
    params = result.data;
  }
  const body = parsed.body === undefined && route.bodyOptional && route.body ? {} : parsed.body;
  if (route.body && body === undefined) {
    throw problems.validation([{ path: '', message: 'a JSON body is required' }]);
  }
  const request = {
    principal: parsed.principal,
    params,
    query: parsePart(route.query, event.queryStringParameters ?? {}, 'query'),
    headers: parsePart(route.headers, event.headers ?? {}, 'header'),
    body: parsePart(route.body, body, ''),
    requestId,
  };
  // Each part was parsed with the route's schema for it, and the principal is the one its access
  // names: what TypeScript cannot follow through the conditional types of a generic route.
  return request as RouteRequest<R>;
}

/**
 * The Powertools logger, loaded at the first log line: an HTTP function logs only errors,
 * throttling and fair-use refusals, and loading it at import cost about 9 ms of every cold start
 * (README, cold start).
 */
export async function loggerFor(context: Context) {
  const { logger } = await import('../shared/logger.js');
  logger.addContext(context);
  return logger;
}

/** The error with its stack mapped to our sources (the function does not load its map at start). */
async function withSourceStack(error: Error): Promise<Error> {
  const { mappedStack } = await import('../shared/mapped-stack.js');
  if (error.stack) error.stack = mappedStack(error.stack);
  return error;
}

/** DynamoDB's answers when a partition or the account is over its throughput. */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

function problemErrors(): MiddlewareObj<Event, Result> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof DomainError) {
        if (error.status >= 500)
          (await loggerFor(request.context)).error('request failed', { code: error.code });
        request.response = errorResponse(error);
        return;
      }
      // The table over its throughput even after the SDK's retries: not a bug, and not the client's
      // fault either; a 429 with Retry-After says to come back, as API Gateway's own throttling does.
      if (error instanceof Error && THROTTLED.has(error.name)) {
        (await loggerFor(request.context)).warn('database throttled', { error: error.name });
        request.response = problemResponse(
          {
            type: `${PROBLEM_BASE}throttled`,
            title: 'Too many requests',
            status: 429,
            code: 'throttled',
            detail: 'The service is busy; retry after the time in Retry-After.',
          },
          { 'retry-after': '1' },
        );
        return;
      }
      // Anything else is a bug: log it, answer a generic 500 that reveals nothing.
      (await loggerFor(request.context)).error('unhandled error', await withSourceStack(error as Error));
      request.response = problemResponse({
        type: 'about:blank',
        title: 'Internal server error',
        status: 500,
        code: 'internal-error',
      });
    },
  };
}

function toResult(reply: Reply): Result {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
  if (reply.body === undefined) return { statusCode: reply.status, headers };
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(reply.body),
  };
}

/** What every HTTP function exports: an API Gateway v2 (HTTP API) Lambda handler. */
export type HttpHandler = (event: Event, context: Context) => Promise<Result>;

/** A Lambda handler for one route of the route table (a sender route also needs its sender lookup). */
export function routeHandler<R extends Route>(
  route: R,
  handle: (request: RouteRequest<R>) => Promise<Reply>,
  ...[deps]: RouteDeps<R>
): HttpHandler {
  const senderForClient = deps && 'senderForClient' in deps ? deps.senderForClient : undefined;
  // The types already refuse these; this catches an untyped caller at cold start, never at request time.
  if (route.access === 'sender' && !senderForClient)
    throw new Error(`route ${route.name} needs a sender lookup`);
  if (route.access !== 'public' && !deps?.fairUse) throw new Error(`route ${route.name} needs its fair use`);
  let stack = middy<Event, Result, Error, ParsingContext>()
    .use(httpHeaderNormalizer() as RouteMiddleware)
    .use(authenticate(route, senderForClient));
  // Built now, at cold start, so a malformed limit fails the deployment's first call, not a later one.
  if (deps?.fairUse) stack = stack.use(deps.fairUse(route));
  stack = stack.use(jsonBody(route)).use(problemErrors() as RouteMiddleware);
  const handler = stack.handler(async (event, context) => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    return toResult(await handle(parseRequest(route, event, context.parsed, requestId)));
  });
  return (event, context) => handler(event, context as ParsingContext);
}
