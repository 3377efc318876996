import { profileView } from '../domain/confirmation-service.js';
import { etagOf } from '../http/etag.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { getProfile as route } from '../http/routes.js';
import { contacts } from '../shared/contacts-runtime.js';
import { profiles } from '../shared/profile-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal }) => {
    const profile = await profiles.get(principal.partnerId);
    return {
      status: 200,
      body: await profileView(contacts, profile),
      headers: { etag: etagOf(profile.version) },
    };
  },
  { fairUse },
);
