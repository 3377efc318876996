import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { deleteWebhook as route } from '../http/routes.js';
import { webhooks } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => {
    await webhooks.remove(principal.partnerId, params.id);
    return { status: 204 };
  },
  { fairUse },
);
