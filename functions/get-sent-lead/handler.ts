import { senderReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { routes } from '../http/routes.js';
import { leads, senderForClient } from '../shared/runtime.js';

export const handler = routeHandler(
  routes.getSentLead,
  async ({ principal, params }) => senderReply(await leads.getForSender(principal.sender, params.id)),
  { senderForClient },
);
