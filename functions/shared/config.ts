/**
 * Configuration, read once at cold start. A missing required variable fails the cold start
 * loudly rather than the first request quietly.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { durationMs } from '../domain/duration.js';
import type { Windows } from '../domain/lifecycle.js';
import { defaults } from './defaults.js';

export interface Config {
  tableName: string;
  windows: Windows;
}

/** A setting from the environment, else its default. */
export const setting = (key: Exclude<keyof typeof defaults, 'MAIL_DOMAIN'>): string =>
  getStringFromEnv({ key, defaultValue: defaults[key] });

export function loadConfig(): Config {
  return {
    tableName: getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' }),
    windows: {
      responseMs: durationMs(setting('LEAD_RESPONSE_WINDOW')),
      contactNowMs: durationMs(setting('CONTACT_NOW_WINDOW')),
      reminderMs: durationMs(setting('REMINDER_BEFORE')),
    },
  };
}
