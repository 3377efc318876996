import { fairUse } from '../http/fair-use.js';
import { partnerLeadReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { getLead as route } from '../http/routes.js';
import { leadReads } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) =>
    partnerLeadReply(await leadReads.getForPartner(principal, params.id), principal),
  { fairUse },
);
