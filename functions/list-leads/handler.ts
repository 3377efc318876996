import { partnerView } from '../domain/views.js';
import { openCursor } from '../http/cursor.js';
import { fairUse } from '../http/fair-use.js';
import { pageReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { listLeads as route } from '../http/routes.js';
import { config, leadReads } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, query }) => {
    // A cursor only opens for the same user, tab and stage it was issued for.
    const scope = `leads:${principal.partnerId}:${principal.userSub}:${query.tab ?? '*'}:${query.stage ?? '*'}`;
    const before = query.cursor ? await openCursor(query.cursor, scope) : undefined;
    const page = await leadReads.listForPartner(principal, {
      limit: query.limit,
      ...(query.tab ? { tab: query.tab } : {}),
      ...(query.stage ? { stage: query.stage } : {}),
      ...(before ? { before } : {}),
    });
    return pageReply(page, (lead, now) => partnerView(lead, now, config.windows, principal.userSub), scope);
  },
  { fairUse },
);
