import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { unfavoriteLead as route } from '../http/routes.js';
import { partnerActions } from '../shared/lead-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => {
    await partnerActions.favorite(principal, params.id, false);
    return { status: 204 };
  },
  { fairUse },
);
