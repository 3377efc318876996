import { senderView } from '../domain/views.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { createLead as route } from '../http/routes.js';
import { leads, senderForClient } from '../shared/lead-composition-root.js';
import { count } from '../shared/metrics.js';

export const handler = routeHandler(
  route,
  async ({ principal, body, headers }) => {
    const { lead, replayed } = await leads.receive(principal.sender, body, headers['idempotency-key']);
    if (!replayed) count('LeadsReceived');
    return {
      status: 201,
      body: senderView(lead, leads.now()),
      headers: {
        location: `/v1/sent-leads/${lead.id}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    };
  },
  { fairUse, senderForClient },
);
