import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { searchPartners as route } from '../http/routes.js';
import { partnerSearch, senderForClient } from '../shared/insights-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ query }) => ({ status: 200, body: { items: await partnerSearch.search(query) } }),
  { fairUse, senderForClient },
);
