import { ifMatchVersion, partnerLeadReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { declineLead as route } from '../http/routes.js';
import { leads } from '../shared/runtime.js';

export const handler = routeHandler(route, async ({ principal, params, headers, body }) => {
  const lead = await leads.act(
    principal,
    params.id,
    { action: 'decline', decline: body },
    ifMatchVersion(headers['if-match']),
  );
  return partnerLeadReply(lead, principal);
});
