/**
 * Configuration, read once at cold start. A missing required variable fails the cold start
 * loudly rather than the first request quietly.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { durationMs } from '../domain/duration.js';
import type { Windows } from '../domain/lifecycle.js';

export interface Config {
  tableName: string;
  windows: Windows;
  reconcile: {
    /** The reconciler leaves leads whose deadline passed less than this ago to TTL (RECONCILE_GRACE). */
    graceMs: number;
    /** An unsettled reminder is asked for again after this (REMINDER_RETRY). */
    reminderRetryMs: number;
  };
}

export function loadConfig(): Config {
  return {
    tableName: getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' }),
    windows: {
      responseMs: durationMs(getStringFromEnv({ key: 'LEAD_RESPONSE_WINDOW', defaultValue: 'P14D' })),
      contactNowMs: durationMs(getStringFromEnv({ key: 'CONTACT_NOW_WINDOW', defaultValue: 'PT72H' })),
      reminderMs: durationMs(getStringFromEnv({ key: 'REMINDER_BEFORE', defaultValue: 'PT48H' })),
    },
    reconcile: {
      graceMs: durationMs(getStringFromEnv({ key: 'RECONCILE_GRACE', defaultValue: 'PT15M' })),
      reminderRetryMs: durationMs(getStringFromEnv({ key: 'REMINDER_RETRY', defaultValue: 'PT6H' })),
    },
  };
}
