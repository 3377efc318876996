import { partnerLeadReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { routes } from '../http/routes.js';
import { leads } from '../shared/runtime.js';

export const handler = routeHandler(routes.getLead, async ({ principal, params }) =>
  partnerLeadReply(await leads.getForPartner(principal, params.id), principal),
);
