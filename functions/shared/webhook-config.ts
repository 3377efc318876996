/** Webhook settings, read once at cold start. */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { parseSchedule } from '../domain/webhooks.js';
import { setting } from './config.js';

/**
 * Set by `npm start` alone (never by the stacks): partner apps on the same machine may register
 * and receive at http://127.0.0.1:<port>.
 */
export const allowLocalHttp = getStringFromEnv({ key: 'WEBHOOK_ALLOW_LOCAL_HTTP', defaultValue: '' }) === '1';

/** WEBHOOK_RETRY_SCHEDULE, in ms. */
export const retrySchedule = (): number[] => parseSchedule(setting('WEBHOOK_RETRY_SCHEDULE'));
