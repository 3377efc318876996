import { deliveryView } from '../domain/webhooks.js';
import { openCursor, sealCursor } from '../http/cursor.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { listWebhookDeliveries as route } from '../http/routes.js';
import { webhooks } from '../shared/webhook-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, params, query }) => {
    // A cursor only opens for the same partner and subscription it was issued for.
    const scope = `webhook-deliveries:${principal.partnerId}:${params.id}`;
    const before = query.cursor ? await openCursor(query.cursor, scope) : undefined;
    const page = await webhooks.deliveries(principal.partnerId, params.id, query.limit, before);
    return {
      status: 200,
      body: {
        items: page.items.map(deliveryView),
        nextCursor: page.next ? await sealCursor(page.next, scope) : null,
      },
    };
  },
  { fairUse },
);
