import { confirmAddress } from '../domain/confirmation-service.js';
import { routeHandler } from '../http/route-handler.js';
import { confirmContact as route } from '../http/routes.js';
import { contacts } from '../shared/contacts-runtime.js';

export const handler = routeHandler(route, async ({ query }) => {
  const { partnerId, address } = await confirmAddress(contacts, query.token, new Date());
  return {
    status: 200,
    body: {
      status: 'confirmed',
      partnerId,
      email: address,
      message: `${address} now receives the lead alerts and reminders of ${partnerId}.`,
    },
  };
});
