import { ifMatchVersion, partnerLeadReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { routes } from '../http/routes.js';
import { leads } from '../shared/runtime.js';

export const handler = routeHandler(routes.winLead, async ({ principal, params, headers, body }) => {
  const lead = await leads.act(
    principal,
    params.id,
    { action: 'won', close: body },
    ifMatchVersion(headers['if-match']),
  );
  return partnerLeadReply(lead, principal);
});
