/**
 * The scheduled backstop of expiry (SPEC §5): TTL may delete a timer long after its deadline, so
 * every run archives the received leads whose `respondBy` passed more than a grace period ago
 * (found on a sparse index, never a Scan), and asks for due reminders until their email is settled.
 */

import { config, leads } from '../shared/lead-composition-root.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';

const limit = Number(process.env.RECONCILE_LIMIT ?? 2000);

export const handler = async () => {
  const result = await leads.reconcile(limit, config.reconcile);
  if (result.expired > 0 || result.reminded > 0 || result.settled > 0) logger.info('reconciled', result);
  count('LeadsExpired', result.expired, { name: 'path', value: 'reconciler' });
  return result;
};
