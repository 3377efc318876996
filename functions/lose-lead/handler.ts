import { partnerActionHandler } from '../http/partner-action.js';
import { loseLead as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({ action: 'lost', close: body }));
