import { partnerActionHandler } from '../http/partner-action.js';
import { declineLead as route } from '../http/routes.js';
import { count } from '../shared/metrics.js';

export const handler = partnerActionHandler(
  route,
  (body) => ({ action: 'decline', decline: body }),
  () => count('LeadsAnswered', 1, { name: 'answer', value: 'declined' }),
);
