import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { retryWebhookDelivery as route } from '../http/routes.js';
import { webhookResend } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params }) => {
    await webhookResend.retry(principal.partnerId, params.id, params.deliveryId);
    return { status: 202, body: { status: 'queued' } };
  },
  { fairUse },
);
