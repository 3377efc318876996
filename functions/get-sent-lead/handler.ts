import { fairUse } from '../http/fair-use.js';
import { senderReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { getSentLead as route } from '../http/routes.js';
import { leadReads, senderForClient } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => senderReply(await leadReads.getForSender(principal.sender, params.id)),
  { fairUse, senderForClient },
);
