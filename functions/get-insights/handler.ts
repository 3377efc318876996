import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { getInsights as route } from '../http/routes.js';
import { insights } from '../shared/insights-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, query }) => ({
    status: 200,
    body: await insights.report(principal.partnerId, query),
  }),
  { fairUse },
);
