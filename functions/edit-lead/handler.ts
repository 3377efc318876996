import { partnerActionHandler } from '../http/partner-action.js';
import { editLead as route } from '../http/routes.js';

export const handler = partnerActionHandler(route, (body) => ({ action: 'edit', deal: body.deal }));
