import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { listWebhooks as route } from '../http/routes.js';
import { webhooks } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal }) => ({
    status: 200,
    body: { items: await webhooks.list(principal.partnerId) },
  }),
  { fairUse },
);
