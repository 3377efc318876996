/**
 * The handler of a partner action on a lead (accept, decline, edit, add contacts, won, lost): the
 * route's body becomes a command of the life cycle, applied in one conditional write under the
 * request's If-Match, answered with the lead as the partner now sees it.
 */
import type { Lead } from '../domain/lead.js';
import type { Command } from '../domain/lifecycle.js';
import { partnerActions } from '../shared/lead-composition-root.js';
import { leadIfMatch } from './etag.js';
import { fairUse } from './fair-use.js';
import { partnerLeadReply } from './lead-replies.js';
import { type HttpHandler, type RouteRequest, routeHandler } from './route-handler.js';
import type { Route } from './routes.js';
import type { ifMatchHeaders, leadIdParams } from './schemas.js';

/** A partner route on one lead that honours If-Match. */
export type PartnerActionRoute = Route & {
  access: 'partner';
  params: typeof leadIdParams;
  headers: typeof ifMatchHeaders;
};

export function partnerActionHandler<R extends PartnerActionRoute>(
  route: R,
  command: (body: RouteRequest<R>['body']) => Command,
  /** What else the route does once the write succeeded (e.g. count it). */
  applied?: (lead: Lead) => void,
): HttpHandler {
  return routeHandler(
    route,
    async ({ principal, params, headers, body }) => {
      const lead = await partnerActions.apply(
        principal,
        params.id,
        command(body),
        leadIfMatch(headers['if-match']),
      );
      applied?.(lead);
      return partnerLeadReply(lead, principal);
    },
    { fairUse },
  );
}
