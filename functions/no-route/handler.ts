import { noRouteHandler } from '../http/no-route.js';

/** The API's `$default` route: see functions/http/no-route.ts. Its route keys are read at load. */
export const handler = noRouteHandler(process.env);
