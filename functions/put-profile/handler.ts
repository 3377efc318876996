import { profileView } from '../domain/confirmation-service.js';
import { etagOf, parseIfMatch } from '../http/etag.js';
import { fairUse } from '../http/fair-use.js';
import { routeHandler } from '../http/route-handler.js';
import { putProfile as route } from '../http/routes.js';
import { contacts } from '../shared/contacts-runtime.js';
import { profiles } from '../shared/profile-composition-root.js';

export const handler = routeHandler(
  route,
  async ({ principal, headers, body }) => {
    const profile = await profiles.replace(principal.partnerId, body, parseIfMatch(headers['if-match']));
    // New addresses show `pending`: their confirmation link goes out from the table's stream.
    return {
      status: 200,
      body: await profileView(contacts, profile),
      headers: { etag: etagOf(profile.version) },
    };
  },
  { fairUse },
);
