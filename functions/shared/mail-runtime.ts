/** The composition root of the email sender: SES, the exactly-once markers, the email queue's backoff. */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoDeliveryMarkers } from '../adapters/dynamodb/delivery-markers.js';
import { SesMailer } from '../adapters/ses/mailer.js';
import { EmailDelivery } from '../domain/email-delivery.js';
import { backoffOf, queueDefinitions } from '../queue/definitions.js';
import { defaults, mailFromOn } from './defaults.js';

const tableName = getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' });
const from = getStringFromEnv({ key: 'MAIL_FROM', defaultValue: mailFromOn(defaults.MAIL_DOMAIN) });
const configurationSet = process.env.SES_CONFIGURATION_SET || undefined;

export const emailQueueUrl = getStringFromEnv({
  key: 'EMAIL_QUEUE_URL',
  errorMessage: 'EMAIL_QUEUE_URL is not set',
});
export const emailBackoff = backoffOf(queueDefinitions.emails);

// A few quick SDK retries for a blip; anything longer waits in the queue with its own backoff.
export const sesClient = new SESv2Client({
  maxAttempts: 3,
  ...(process.env.SES_ENDPOINT ? { endpoint: process.env.SES_ENDPOINT } : {}),
});

export const markers = new DynamoDeliveryMarkers(documentClient, tableName);
export const delivery = new EmailDelivery(
  markers,
  new SesMailer(sesClient, from, configurationSet),
  () => new Date(),
);
