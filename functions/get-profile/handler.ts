import { profileView } from '../domain/confirmation-service.js';
import { etagOf } from '../http/lead-replies.js';
import { routeHandler } from '../http/route-handler.js';
import { getProfile as route } from '../http/routes.js';
import { contacts } from '../shared/contacts-runtime.js';
import { profiles } from '../shared/runtime.js';

export const handler = routeHandler(route, async ({ principal }) => {
  const profile = await profiles.getOrEmpty(principal.partnerId);
  return {
    status: 200,
    body: await profileView(contacts, profile),
    headers: { etag: etagOf(profile.version) },
  };
});
