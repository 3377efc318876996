/** Contact confirmation settings, read once at cold start. */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { ConfirmationRules } from '../domain/contacts.js';
import { durationMs } from '../domain/duration.js';
import { setting } from './config.js';

export const confirmationRules: ConfirmationRules = {
  tokenTtlMs: durationMs(setting('CONFIRMATION_TTL')),
  resendAfterMs: durationMs(setting('CONFIRMATION_RESEND_AFTER')),
};

/** The public API's base URL: confirmation links point at its confirm route (locally, the local API). */
const publicApiUrl = () =>
  getStringFromEnv({ key: 'PUBLIC_API_URL', errorMessage: 'PUBLIC_API_URL is not set' }).replace(/\/$/, '');

export const confirmLink = (token: string) =>
  `${publicApiUrl()}/v1/contacts/confirm?token=${encodeURIComponent(token)}`;
