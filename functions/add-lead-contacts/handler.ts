import { partnerActionHandler } from '../http/partner-action.js';
import { addLeadContacts as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({
  action: 'add-contacts',
  contacts: body.contacts,
}));
