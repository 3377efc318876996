import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { getWebhook as route } from '../http/routes.js';
import { webhooks } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => ({
    status: 200,
    body: await webhooks.get(principal.partnerId, params.id),
  }),
  { fairUse },
);
