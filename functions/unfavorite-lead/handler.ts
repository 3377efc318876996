import { routeHandler } from '../http/route-handler.js';
import { routes } from '../http/routes.js';
import { leads } from '../shared/runtime.js';

export const handler = routeHandler(routes.unfavoriteLead, async ({ principal, params }) => {
  await leads.favorite(principal, params.id, false);
  return { status: 204 };
});
