import { partnerActionHandler } from '../http/partner-action.js';
import { winLead as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({ action: 'won', close: body }));
