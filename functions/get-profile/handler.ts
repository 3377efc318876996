import { etagOf } from '../http/etag.js';
import { routeHandler } from '../http/route-handler.js';
import { getProfile as route } from '../http/routes.js';
import { profiles } from '../shared/profile-composition-root.js';

export const handler = routeHandler(route, async ({ principal }) => {
  const profile = await profiles.get(principal.partnerId);
  return { status: 200, body: profile, headers: { etag: etagOf(profile.version) } };
});
