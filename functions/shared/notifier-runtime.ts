/**
 * The composition root of the notifier: who receives what (profiles, contacts, senders,
 * suppressions), the templates, the confirmation links, and the durable email queue.
 */
import { randomBytes } from 'node:crypto';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { ContactStore } from '../adapters/dynamodb/contact-store.js';
import { DynamoDeliveryMarkers } from '../adapters/dynamodb/delivery-markers.js';
import { ProfileRepository } from '../adapters/dynamodb/profile-repository.js';
import { DynamoRecipientDirectory } from '../adapters/dynamodb/recipient-directory.js';
import { renderConfirmation, renderEmail } from '../adapters/ses/templates.js';
import { sqsClient } from '../adapters/sqs/client.js';
import { SqsEmailQueue } from '../adapters/sqs/email-queue.js';
import { ConfirmationService } from '../domain/confirmation-service.js';
import { NotificationService } from '../domain/notification-service.js';
import { setting } from './config.js';
import { confirmationRules, confirmLink } from './contacts-config.js';

const tableName = getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' });
const links = {
  choosePartnerUrl: setting('CHOOSE_PARTNER_URL'),
  partnerConsoleUrl: setting('PARTNER_CONSOLE_URL'),
};

export const queue = new SqsEmailQueue(
  sqsClient,
  getStringFromEnv({ key: 'EMAIL_QUEUE_URL', errorMessage: 'EMAIL_QUEUE_URL is not set' }),
);
export const contacts = new ContactStore(documentClient, tableName);
// For recipients, suppressions are kept a minute: an expiry burst from one sender looks its address
// up once, and a new bounce is heeded within the minute (SES's own suppression list covers that gap).
const recipientContacts = new ContactStore(documentClient, tableName, 60_000);
export const markers = new DynamoDeliveryMarkers(documentClient, tableName);
const profiles = new ProfileRepository(documentClient, tableName);

export const notifications = new NotificationService(
  new DynamoRecipientDirectory(documentClient, tableName, profiles, recipientContacts),
  (kind, lead) => renderEmail(kind, lead, links),
  () => new Date(),
);

export const confirmations = new ConfirmationService({
  registry: contacts,
  queue,
  render: renderConfirmation,
  linkFor: confirmLink,
  rules: confirmationRules,
  clock: () => new Date(),
  newToken: () => randomBytes(32).toString('base64url'),
  newRequestId: () => randomBytes(12).toString('base64url'),
});
