import { senderView } from '../domain/views.js';
import { openCursor } from '../http/cursor.js';
import { fairUse } from '../http/fair-use.js';
import { pageReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { listSentLeads as route } from '../http/routes.js';
import { leadReads, senderForClient } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, query }) => {
    const scope = `sent-leads:${principal.sender.id}`;
    const before = query.cursor ? await openCursor(query.cursor, scope) : undefined;
    const page = await leadReads.listForSender(principal.sender, {
      limit: query.limit,
      ...(before ? { before } : {}),
    });
    return pageReply(page, senderView, scope);
  },
  { fairUse, senderForClient },
);
