import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { replayWebhook as route } from '../http/routes.js';
import { webhookResend } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params, body }) => ({
    status: 202,
    body: { events: await webhookResend.replay(principal.partnerId, params.id, new Date(body.since)) },
  }),
  { fairUse },
);
