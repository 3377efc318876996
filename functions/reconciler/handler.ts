/**
 * The scheduled backstop of expiry (SPEC §5): TTL may delete a timer long after its deadline, so
 * every run archives the received leads whose `respondBy` passed more than a grace period ago
 * (found on a sparse index, never a Scan), and asks for due reminders until their email is settled.
 * It also erases the customer contact data of leads archived more than PII_RETENTION ago.
 */

import { durationMs } from '../domain/duration.js';
import { setting } from '../shared/config.js';
import { erasure } from '../shared/erasure-composition-root.js';
import { config, leads } from '../shared/lead-composition-root.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';

const limit = Number(process.env.RECONCILE_LIMIT ?? 2000);
const retentionMs = durationMs(setting('PII_RETENTION'));

export const handler = async () => {
  const reconciled = await leads.reconcile(limit, config.reconcile);
  count('LeadsExpired', reconciled.expired, { name: 'path', value: 'reconciler' });
  // Retention erasure rides the same schedule: it is as much a clock-driven backstop as expiry.
  const erased = await erasure.eraseExpired(new Date(), retentionMs, limit);
  const result = { ...reconciled, erased };
  if (result.expired > 0 || result.reminded > 0 || result.settled > 0 || erased > 0)
    logger.info('reconciled', result);
  return result;
};
