import { etagOf, parseIfMatch } from '../http/etag.js';
import { routeHandler } from '../http/route-handler.js';
import { putProfile as route } from '../http/routes.js';
import { profiles } from '../shared/profile-composition-root.js';

export const handler = routeHandler(route, async ({ principal, headers, body }) => {
  const profile = await profiles.replace(principal.partnerId, body, parseIfMatch(headers['if-match']));
  return { status: 200, body: profile, headers: { etag: etagOf(profile.version) } };
});
