import { etagOf, ifMatchVersions } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { putProfile as route } from '../http/routes.js';
import { profiles } from '../shared/runtime.js';

export const handler = routeHandler(route, async ({ principal, headers, body }) => {
  const profile = await profiles.put(
    principal.partnerId,
    body,
    new Date(),
    ifMatchVersions(headers['if-match']),
  );
  return { status: 200, body: profile, headers: { etag: etagOf(profile.version) } };
});
