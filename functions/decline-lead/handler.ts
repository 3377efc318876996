import { partnerActionHandler } from '../http/partner-action.js';
import { declineLead as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({ action: 'decline', decline: body }));
