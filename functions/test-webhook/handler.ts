import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { testWebhook as route } from '../http/routes.js';
import { webhookResend } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => ({
    status: 202,
    body: await webhookResend.sendTest(principal.partnerId, params.id),
  }),
  { fairUse },
);
