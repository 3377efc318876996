/**
 * The API's `$default` route (functions/no-route/handler.ts): every request no route of the table takes. It answers what the
 * local server answers (functions/http/route-match.ts decides for both): 404 `not-found` for an
 * unknown path, 405 `method-not-allowed` with `Allow` for a known path with another method, each
 * pointing at /openapi.json; API Gateway would answer its own `{"message":"Not Found"}`.
 *
 * No middy, logger or schemas: nothing here is parsed, logged or able to fail once loaded, and a
 * 404 should not cost a cold start more than the floor. API Gateway's access log records each call.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, problems } from './problem.js';
import { parseRouteKeys, routeMatcher, unmatchedProblem } from './route-match.js';

const isPreflight = (event: APIGatewayProxyEventV2) =>
  event.requestContext.http.method === 'OPTIONS' &&
  event.headers.origin !== undefined &&
  event.headers['access-control-request-method'] !== undefined;

/**
 * The handler for the route keys in `ROUTE_KEYS` (routeKeysText of the table). `CORS_PREFLIGHT`
 * is set when the API configures CORS: the `$default` route then also catches the browser's
 * preflights (API Gateway answers them itself only when no route matches OPTIONS), so a preflight
 * of a known path gets an empty 204, to which API Gateway adds the configured CORS headers for an
 * allowed origin and none for another: the browser decides as it would without this route.
 */
export function noRouteHandler(env: Readonly<Record<string, string | undefined>>) {
  const match = routeMatcher(parseRouteKeys(env.ROUTE_KEYS ?? ''));
  const answersPreflights = env.CORS_PREFLIGHT === 'true';
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const matched = match(event.requestContext.http.method, event.rawPath);
    if (matched.kind === 'route') {
      // Only if API Gateway's path matching and ours ever disagreed: this function cannot serve
      // the route, and a 404 is what API Gateway itself would have answered.
      return errorResponse(problems.notFound());
    }
    if (answersPreflights && matched.kind === 'method-not-allowed' && isPreflight(event)) {
      return { statusCode: 204 };
    }
    return errorResponse(unmatchedProblem(matched));
  };
}
