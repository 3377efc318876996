import { ifMatchVersion, partnerLeadReply } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { acceptLead as route } from '../http/routes.js';
import { leads } from '../shared/runtime.js';

export const handler = routeHandler(route, async ({ principal, params, headers, body }) => {
  const command = {
    action: 'accept' as const,
    deal: body.deal,
    ...(body.contacts ? { contacts: body.contacts } : {}),
  };
  const lead = await leads.act(principal, params.id, command, ifMatchVersion(headers['if-match']));
  return partnerLeadReply(lead, principal);
});
