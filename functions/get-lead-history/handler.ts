import { historyView } from '../domain/views.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { getLeadHistory as route } from '../http/routes.js';
import { leadReads } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => {
    const lead = await leadReads.getForPartner(principal, params.id);
    return { status: 200, body: { items: historyView(lead, leadReads.now()) } };
  },
  { fairUse },
);
