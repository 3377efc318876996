import { historyView } from '../domain/views.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { getLeadHistory as route } from '../http/routes.js';
import { leads } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => {
    const lead = await leads.getForPartner(principal, params.id);
    return { status: 200, body: { items: historyView(lead, leads.now()) } };
  },
  { fairUse },
);
