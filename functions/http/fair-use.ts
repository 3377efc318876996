/**
 * The fair-use middleware of the authenticated routes, given to `routeHandler` with the route's
 * other dependencies. It lives apart from the shared stack so that the public routes (health, the
 * OpenAPI document, contact confirmation) neither bundle nor build a gate they never use, nor
 * (health, OpenAPI) the DynamoDB client it counts with: `health` imported at 1.44x the floor's
 * CPU with it, 0.81x without (README, cold start).
 */
import type { Context } from 'aws-lambda';
import { checkFairUse, clientName, type FairUseClient, type FairUseVerdict } from '../domain/fair-use.js';
import { type FairUseGate, fairUseGate } from '../shared/fair-use-runtime.js';
import type { PartnerPrincipal, SenderPrincipal } from './auth.js';
import { errorResponse, problems } from './problem.js';
import { type FairUse, loggerFor, type RouteMiddleware } from './route-handler.js';
import type { Route } from './routes.js';

/** Whom a caller's requests count against: a sender as a whole, a partner as a whole. */
const fairUseClientOf = (principal: PartnerPrincipal | SenderPrincipal): FairUseClient =>
  principal.kind === 'sender'
    ? { kind: 'sender', id: principal.sender.id }
    : { kind: 'partner', id: principal.partnerId };

/**
 * Counts an authenticated request against its client's window and refuses it with 429 and
 * `Retry-After` once the window is full. Most verdicts come from this container's lease, with no
 * DynamoDB call (`FairUseLeases`); only the request that starts a lease waits for a write. A route that changes data waits for the verdict before
 * doing anything, so a refused write is never made; a read route counts while it reads (latency of
 * the slower of two round trips, not their sum) and its answer is replaced by the 429 if refused.
 * If the counter cannot be reached the request goes on (logged): fair use protects the others,
 * and is never a reason to fail a caller.
 */
function fairUseMiddleware(route: Route, gate: FairUseGate): RouteMiddleware {
  const refuse = (verdict: FairUseVerdict | undefined) => {
    if (verdict && !verdict.admitted)
      throw problems.tooManyRequests(verdict.retryAfterSeconds, verdict.limit);
  };
  // Which client was refused, for the operator (partner and sender ids are not personal data).
  const logRefusal = (client: FairUseClient, context: Context) => async (verdict: FairUseVerdict) => {
    if (!verdict.admitted)
      (await loggerFor(context)).info('fair use: over the limit', {
        client: clientName(client),
        limit: verdict.limit,
      });
    return verdict;
  };
  return {
    before: async ({ context }) => {
      const principal = context.parsed.principal;
      if (!principal) return;
      const client = fairUseClientOf(principal);
      const verdict = checkFairUse(client, gate.limits, gate.counter, gate.now())
        .catch(async (error: Error) => {
          (await loggerFor(context)).warn('fair-use counter unavailable; request admitted', {
            client: client.kind,
            error: error.name,
          });
          return { admitted: true } as const;
        })
        .then(logRefusal(client, context));
      if (route.data === 'write') refuse(await verdict);
      else context.parsed.fairUse = verdict;
    },
    after: async ({ context }) => refuse(await context.parsed.fairUse),
    onError: async (request) => {
      // A read that failed (a 404, say) while its client was over the limit answers the 429.
      const verdict = await request.context.parsed?.fairUse;
      if (verdict && !verdict.admitted) {
        request.response = errorResponse(problems.tooManyRequests(verdict.retryAfterSeconds, verdict.limit));
      }
    },
  };
}

/** The route's fair-use middleware, with the process's one gate (built here, at cold start). */
export const fairUse: FairUse = (route) => fairUseMiddleware(route, fairUseGate());
