/**
 * Which route of the table a request is for, or why none is: the one decision the local server
 * and the API's `$default` function (functions/no-route) share, so an unknown path or a wrong
 * method answers alike in both. It needs each route's method and path only, never its schemas,
 * so the `$default` function stays as light as the floor at cold start.
 */
import { type HttpProblem, problems } from './problem.js';

/** What matching needs of a route: its method and its path template (`/v1/leads/{id}`). */
export interface RouteKey {
  readonly method: string;
  readonly path: string;
}

export type RouteMatch<R extends RouteKey> =
  | { kind: 'route'; route: R; pathParameters: Record<string, string> }
  /** Some route has this path, none this method: the methods it takes, in table order. */
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** A malformed escape (`%ZZ`) stays as sent; the route's validation then refuses it as any bad id. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface Compiled<R extends RouteKey> {
  route: R;
  pattern: RegExp;
  names: string[];
}

/** `{name}` takes one whole segment, as it does in an API Gateway route key. */
function compile<R extends RouteKey>(route: R): Compiled<R> {
  const names: string[] = [];
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** A matcher over `routes`: `(method, path as sent) => the match`. */
export function routeMatcher<R extends RouteKey>(routes: readonly R[]) {
  const compiled = routes.map(compile);
  return (method: string, pathname: string): RouteMatch<R> => {
    const upper = method.toUpperCase();
    const onPath = compiled.filter((c) => c.pattern.test(pathname));
    if (onPath.length === 0) return { kind: 'not-found' };
    const match = onPath.find((c) => c.route.method === upper);
    if (!match) return { kind: 'method-not-allowed', allowed: onPath.map((c) => c.route.method) };
    const values = match.pattern.exec(pathname)?.slice(1) ?? [];
    return {
      kind: 'route',
      route: match.route,
      pathParameters: Object.fromEntries(match.names.map((n, i) => [n, safeDecode(values[i] ?? '')])),
    };
  };
}

/** The problem a request no route takes answers: 404 `not-found`, or 405 with `Allow`. */
export function unmatchedProblem(
  match: { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' },
): HttpProblem {
  return match.kind === 'method-not-allowed' ? problems.methodNotAllowed(match.allowed) : problems.notFound();
}

/**
 * The route keys as one line (`GET /v1/health,POST /v1/leads,…`): how the stack hands the table's
 * methods and paths to the `$default` function, which cannot import the table (its schemas are
 * most of a route function's cold start). No path holds a comma.
 */
export const routeKeysText = (routes: readonly RouteKey[]) =>
  routes.map((r) => `${r.method} ${r.path}`).join(',');

/** The route keys `routeKeysText` wrote; a malformed entry is a configuration error at cold start. */
export function parseRouteKeys(text: string): RouteKey[] {
  return text.split(',').map((key) => {
    const match = /^([A-Z]+) (\/\S*)$/.exec(key);
    if (!match) throw new Error(`ROUTE_KEYS: "${key}" is not a route key like GET /v1/health`);
    return { method: match[1]!, path: match[2]! };
  });
}
