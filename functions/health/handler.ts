import { routeHandler } from '../http/route-handler.js';
import { routes } from '../http/routes.js';

export const handler = routeHandler(routes.health, async () => ({ status: 200, body: { status: 'ok' } }));
