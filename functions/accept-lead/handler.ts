import { partnerActionHandler } from '../http/partner-action.js';
import { acceptLead as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({
  action: 'accept',
  deal: body.deal,
  ...(body.contacts ? { contacts: body.contacts } : {}),
}));
