import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { changeWebhook as route } from '../http/routes.js';
import { webhookRegistration } from '../shared/webhook-registration-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await webhookRegistration.change(principal.partnerId, params.id, body),
  }),
  { fairUse },
);
