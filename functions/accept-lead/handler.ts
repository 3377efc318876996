import { partnerActionHandler } from '../http/partner-action.js';
import { acceptLead as route } from '../http/routes.js';
import { count } from '../shared/metrics.js';

export const handler = partnerActionHandler(
  route,
  (body) => ({
    action: 'accept',
    deal: body.deal,
    ...(body.contacts ? { contacts: body.contacts } : {}),
  }),
  () => count('LeadsAnswered', 1, { name: 'answer', value: 'accepted' }),
);
