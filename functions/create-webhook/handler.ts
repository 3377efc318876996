import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { createWebhook as route } from '../http/routes.js';
import { webhookRegistration } from '../shared/webhook-registration-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, body }) => ({
    status: 201,
    body: await webhookRegistration.create(principal.partnerId, body),
  }),
  { fairUse },
);
