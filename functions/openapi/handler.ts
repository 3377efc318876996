import { routeHandler } from '../http/route-handler.js';
import { openapi as route } from '../http/routes.js';
// Generated from the route table's schemas (`npm run openapi:write`; test/infra/openapi.test.ts fails
// when it is stale). Building it at cold start put every schema of the API and zod-openapi into
// this function's import: 1.8x the floor, against 1.2x for a function without schemas (README).
import document from './document.json';

export const handler = routeHandler(route, async () => ({
  status: 200,
  body: document,
  headers: { 'cache-control': 'public, max-age=300' },
}));
