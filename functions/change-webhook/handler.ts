import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { changeWebhook as route } from '../http/routes.js';
import { webhooks } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await webhooks.change(principal.partnerId, params.id, body),
  }),
  { fairUse },
);
