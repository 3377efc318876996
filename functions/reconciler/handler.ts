/**
 * The scheduled backstop of expiry (SPEC §5): TTL may delete a timer long after its deadline, so
 * every run archives the received leads already past `respondBy` (found on a sparse index, never
 * a Scan) and marks the reminders that have come due.
 */

import { leads } from '../shared/lead-composition-root.js';
import { logger } from '../shared/logger.js';

const limit = Number(process.env.RECONCILE_LIMIT ?? 2000);

export const handler = async () => {
  const result = await leads.reconcile(limit);
  if (result.expired > 0 || result.reminded > 0) logger.info('reconciled', result);
  return result;
};
