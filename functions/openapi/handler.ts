import { openApiDocument } from '../http/openapi.js';
import { routeHandler } from '../http/route-handler.js';
import { openapi as route } from '../http/routes.js';

// Built once per cold start: the document only changes with a deploy.
const document = openApiDocument();

export const handler = routeHandler(route, async () => ({
  status: 200,
  body: document,
  headers: { 'cache-control': 'public, max-age=300' },
}));
