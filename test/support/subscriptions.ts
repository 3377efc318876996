/** A stored webhook subscription for tests, at the fixed clock of the lead builders. */
import type { Subscription } from '../../functions/domain/webhooks.js';
import { t0 } from './leads.js';

export const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: 'wh_01JD0000000000000000000000',
  partnerId: 'contoso',
  url: 'https://hooks.contoso.example/in',
  events: ['lead.won'],
  description: null,
  enabled: true,
  disabledReason: null,
  createdAt: t0.toISOString(),
  updatedAt: t0.toISOString(),
  failingSince: null,
  secrets: [],
  version: 1,
  ...overrides,
});
