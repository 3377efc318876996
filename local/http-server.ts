/**
 * The local API: the route table served by a Node HTTP server, each route calling the same Lambda
 * handler the stack deploys with an API Gateway v2 event, after the same JWT checks the HTTP API's
 * authorizer makes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, problemResponse, problems } from '../functions/http/problem.js';
import type { HttpHandler } from '../functions/http/route-handler.js';
import { routeMatcher, unmatchedProblem } from '../functions/http/route-match.js';
import { type Route, routeList } from '../functions/http/routes.js';
import { apiGatewayEvent } from './api-event.js';
import { type JwtAuthorizer, jwtAuthorizer } from './claims.js';
import { asFunction } from './iam-check.js';
import { bearerTokenOf, type LocalSigner, rejectionOf } from './jwt.js';
import { lambdaContext } from './lambda-context.js';
import { listenOnLoopback } from './ports.js';

type Handler = HttpHandler;

/** API Gateway's own payload limit; the handlers enforce the API's 64 KiB. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/** The body, or why there is none: too large, or the client went away mid-body. */
async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > GATEWAY_MAX_BODY) return 'too-large';
      chunks.push(chunk as Buffer);
    }
  } catch {
    return 'aborted';
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.body ?? '');
}

export interface LocalApiOptions {
  port: number;
  signer: LocalSigner;
  /**
   * Client ids whose tokens the authorizer accepts (API Gateway's audience list). Locally a sender
   * client is accepted whatever its id, so an unregistered one meets the handler's 403.
   */
  audiences: () => string[];
  loadHandler: (route: Route) => Promise<Handler>;
  log?: (line: string) => void;
  /**
   * Answers a request no API route's path matches, if it is its own (the local console's files and
   * sign-in); returns false to leave it to the API's 404. Never asked about an API route's path.
   */
  beside?: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;
}

export async function startLocalApi(
  options: LocalApiOptions,
): Promise<{ server: Server; close(): Promise<void> }> {
  const match = routeMatcher(routeList);
  const handlers = new Map<string, Promise<Handler>>();

  const server = createServer(async (request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const matched = match(method, url.pathname);
    if (matched.kind === 'not-found' && (await answeredBeside(request, response, url))) {
      options.log?.(
        `${method} ${url.pathname} ${response.statusCode} ${(performance.now() - started).toFixed(0)}ms`,
      );
      return;
    }
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result =
        matched.kind === 'route'
          ? await invoke(matched.route, matched.pathParameters, method, url, request)
          : errorResponse(unmatchedProblem(matched));
    } catch (error) {
      console.error('local server error', error);
      result = problemResponse({
        type: 'about:blank',
        title: 'Internal server error',
        status: 500,
        code: 'internal-error',
      });
    }
    send(response, result);
    options.log?.(
      `${method} ${url.pathname} ${result.statusCode} ${(performance.now() - started).toFixed(0)}ms`,
    );
  });

  async function answeredBeside(request: IncomingMessage, response: ServerResponse, url: URL) {
    if (!options.beside) return false;
    try {
      return await options.beside(request, response, url);
    } catch (error) {
      console.error('local server error', error);
      if (!response.headersSent) return false;
      response.end();
      return true;
    }
  }

  async function invoke(
    route: Route,
    pathParameters: Record<string, string>,
    method: string,
    url: URL,
    request: IncomingMessage,
  ) {
    let authorizer: JwtAuthorizer | undefined;
    if (route.access !== 'public') {
      const token = bearerTokenOf(request.headers.authorization);
      if (typeof token !== 'string') return errorResponse(problems.unauthorized(token.rejected));
      try {
        authorizer = jwtAuthorizer(await options.signer.verify(token, options.audiences()));
      } catch (error) {
        return errorResponse(problems.unauthorized(rejectionOf(error)));
      }
    }
    const body = await readBody(request);
    if (body === 'too-large') return errorResponse(problems.tooLarge(GATEWAY_MAX_BODY));
    if (body === 'aborted') return errorResponse(problems.malformedJson());
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
    const contentType = headers['content-type'] ?? '';
    const textual = /json|text|xml|form/.test(contentType) || contentType === '';
    const event = apiGatewayEvent({
      method,
      path: url.pathname,
      routePath: route.path,
      rawQueryString: url.search.slice(1),
      headers,
      query,
      pathParameters,
      ...(body.length > 0
        ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
        : {}),
      ...(authorizer ? { authorizer } : {}),
      protocol: `HTTP/${request.httpVersion}`,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    });
    let handler = handlers.get(route.name);
    if (!handler) {
      handler = options.loadHandler(route);
      handlers.set(route.name, handler);
    }
    const run = await handler;
    return asFunction(route.name, () => run(event, lambdaContext(route.name)));
  }

  const stop = await listenOnLoopback(server, options.port);
  return {
    server,
    close: stop,
  };
}
