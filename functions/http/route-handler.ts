/**
 * The middy stack every HTTP function shares, handler last: normalise headers -> authenticate ->
 * parse the JSON body (size and content-type checks) -> validate with the route's zod schemas ->
 * Powertools logger -> problem+json errors. A handler gets a typed, validated request and returns
 * a reply; it never builds an error response itself.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod';
import { DomainError } from '../domain/errors.js';
import type { Sender } from '../domain/lead.js';
import { logger } from '../shared/logger.js';
import { type PartnerPrincipal, partnerPrincipal, type SenderPrincipal, senderPrincipal } from './auth.js';
import { issuesOf, problemResponse, problems, toProblem } from './problem.js';
import type { Route } from './routes.js';

export const MAX_BODY_BYTES = 64 * 1024;

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;
type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type PrincipalOf<R extends Route> = R['access'] extends 'partner'
  ? PartnerPrincipal
  : R['access'] extends 'sender'
    ? SenderPrincipal
    : undefined;

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

export interface RouteDeps {
  /** Resolves an OAuth client id to its registered sender (sender routes only). */
  senderForClient?: (clientId: string) => Promise<Sender | undefined>;
}

interface Parsed {
  body?: unknown;
  principal?: PartnerPrincipal | SenderPrincipal;
  input?: Omit<RouteRequest<Route>, 'principal' | 'requestId'>;
}
type ParsingContext = Context & { parsed: Parsed };

/** JSON body: at most 64 KiB, JSON media types only, well-formed. */
function jsonBody(route: Route): MiddlewareObj<Event, Result, Error, ParsingContext> {
  return {
    before: ({ event, context }) => {
      if (!route.body) return;
      const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
      if (raw && raw.length > MAX_BODY_BYTES) throw problems.tooLarge(MAX_BODY_BYTES);
      if (!raw || raw.length === 0) return;
      const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!/^application\/(?:[\w.+-]+\+)?json$/.test(type)) throw problems.unsupportedMediaType();
      try {
        context.parsed.body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw problems.malformedJson();
      }
    },
  };
}

function authenticate(route: Route, deps: RouteDeps): MiddlewareObj<Event, Result, Error, ParsingContext> {
  return {
    before: async ({ event, context }) => {
      context.parsed = {};
      if (route.access === 'partner') context.parsed.principal = partnerPrincipal(event);
      if (route.access === 'sender') {
        if (!deps.senderForClient) throw new Error(`route ${route.name} needs a sender lookup`);
        context.parsed.principal = await senderPrincipal(event, deps.senderForClient);
      }
    },
  };
}

function validate(route: Route): MiddlewareObj<Event, Result, Error, ParsingContext> {
  const check = (schema: z.ZodType | undefined, value: unknown, prefix: string) => {
    if (!schema) return {};
    const result = schema.safeParse(value);
    if (!result.success) throw problems.validation(issuesOf(result.error, prefix));
    return result.data;
  };
  return {
    before: ({ event, context }) => {
      let params: unknown = {};
      if (route.params) {
        // A malformed id names no lead: that is a 404, as for any unknown id.
        const result = route.params.safeParse(event.pathParameters ?? {});
        if (!result.success) throw new DomainError(404, 'lead-not-found', 'Lead not found');
        params = result.data;
      }
      const body =
        context.parsed.body === undefined && route.bodyOptional && route.body ? {} : context.parsed.body;
      if (route.body && body === undefined) {
        throw problems.validation([{ path: '', message: 'a JSON body is required' }]);
      }
      context.parsed.input = {
        params: params as never,
        query: check(route.query, event.queryStringParameters ?? {}, 'query') as never,
        headers: check(route.headers, event.headers ?? {}, 'header') as never,
        body: check(route.body, body, '') as never,
      };
    },
  };
}

function problemErrors(): MiddlewareObj<Event, Result> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof DomainError) {
        if (error.status >= 500) logger.error('request failed', { code: error.code });
        request.response = problemResponse(toProblem(error));
        return;
      }
      // Anything else is a bug: log it, answer a generic 500 that reveals nothing.
      logger.error('unhandled error', error as Error);
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

/** A Lambda handler for one route of the route table. */
export function routeHandler<R extends Route>(
  route: R,
  handle: (request: RouteRequest<R>) => Promise<Reply>,
  deps: RouteDeps = {},
): HttpHandler {
  const stack = middy<Event, Result, Error, ParsingContext>()
    .use(httpHeaderNormalizer() as MiddlewareObj<Event, Result, Error, ParsingContext>)
    .use(authenticate(route, deps))
    .use(jsonBody(route))
    .use(validate(route))
    .use(
      injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<Event, Result, Error, ParsingContext>,
    )
    .use(problemErrors() as MiddlewareObj<Event, Result, Error, ParsingContext>)
    .handler(async (event, context) => {
      const { input, principal } = context.parsed;
      const request = {
        ...input!,
        principal,
        requestId: event.requestContext?.requestId ?? context.awsRequestId,
      } as RouteRequest<R>;
      return toResult(await handle(request));
    });
  return (event, context) => stack(event, context as ParsingContext);
}
