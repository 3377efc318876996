import { routeHandler } from '../http/route-handler.js';
import { health as route } from '../http/routes.js';

export const handler = routeHandler(route, async () => ({ status: 200, body: { status: 'ok' } }));
