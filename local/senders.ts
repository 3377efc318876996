import type { Sender } from '../functions/domain/lead.js';

/** The two senders `npm start` registers (SPEC §8). Locally a sender's OAuth client id is its id. */
export const localSenders: Sender[] = [
  {
    id: 'microsoft-marketing',
    kind: 'microsoft',
    name: 'Microsoft Marketing',
    notificationEmail: 'referrals@microsoft.example',
  },
  {
    id: 'fabrikam-referrals',
    kind: 'partner',
    name: 'Fabrikam Referrals',
    notificationEmail: 'referrals@fabrikam.example',
  },
];
