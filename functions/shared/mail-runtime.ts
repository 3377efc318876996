/** The composition root of the notifier: SES, templates and the exactly-once store. */

import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoNotificationStore } from '../adapters/dynamodb/notification-store.js';
import { ProfileRepository } from '../adapters/dynamodb/profile-repository.js';
import { SesMailer } from '../adapters/ses/mailer.js';
import { renderEmail } from '../adapters/ses/templates.js';
import { NotificationService } from '../domain/notification-service.js';
import { loadConfig, setting } from './config.js';
import { defaults, mailFromOn } from './defaults.js';

const config = loadConfig();

const links = {
  choosePartnerUrl: setting('CHOOSE_PARTNER_URL'),
  partnerConsoleUrl: setting('PARTNER_CONSOLE_URL'),
};
const from = getStringFromEnv({ key: 'MAIL_FROM', defaultValue: mailFromOn(defaults.MAIL_DOMAIN) });
const configurationSet = process.env.SES_CONFIGURATION_SET || undefined;

// Throttling is retried by the SDK with backoff; what still fails goes back to the stream as a batch item failure.
export const sesClient = new SESv2Client({
  maxAttempts: 6,
  ...(process.env.SES_ENDPOINT ? { endpoint: process.env.SES_ENDPOINT } : {}),
});

export const notifications = new NotificationService(
  new DynamoNotificationStore(
    documentClient,
    config.tableName,
    new ProfileRepository(documentClient, config.tableName),
  ),
  new SesMailer(sesClient, from, configurationSet),
  (kind, lead) => renderEmail(kind, lead, links),
  () => new Date(),
);
