/**
 * The composition root of the webhook consumers: the stream's fan-out (a lead change to stored
 * events and queued deliveries) and the delivery queue's attempts (sign, POST safely, log, retry).
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { ContactStore } from '../adapters/dynamodb/contact-store.js';
import { ProfileRepository } from '../adapters/dynamodb/profile-repository.js';
import { DynamoRecipientDirectory } from '../adapters/dynamodb/recipient-directory.js';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.js';
import { postEvent } from '../adapters/http/webhook-poster.js';
import { sqsClient } from '../adapters/sqs/client.js';
import { SqsDeliveryQueue } from '../adapters/sqs/delivery-queue.js';
import { SqsEmailQueue } from '../adapters/sqs/email-queue.js';
import { QueuedWebhookAlerts } from '../adapters/sqs/webhook-alerts.js';
import { WebhookDelivery } from '../domain/webhook-delivery.js';
import { WebhookFanOut } from '../domain/webhook-service.js';
import { backoffOf, queueDefinitions } from '../queue/definitions.js';
import { loadConfig } from './config.js';
import { allowLocalHttp, retrySchedule } from './webhook-config.js';

const config = loadConfig();
// The side-by-side attempts of a batch record their outcomes together, in one write, and the
// side-by-side changes of a stream batch store their events and deliveries together.
const store = new DynamoWebhookStore(documentClient, config.tableName, 5);
const queueUrl = getStringFromEnv({ key: 'WEBHOOK_QUEUE_URL', errorMessage: 'WEBHOOK_QUEUE_URL is not set' });
const clock = () => new Date();

export const webhookQueueUrl = queueUrl;
export const webhookQueueBackoff = backoffOf(queueDefinitions.webhooks);
const queue = new SqsDeliveryQueue(() => queueUrl, clock);

/** The stream consumer's use case (needs the table and the delivery queue only). */
export const fanOut = () => new WebhookFanOut(store, queue, config.windows, clock);

/** The delivery consumer's use case (also the email queue, for the disabled-webhook email). */
export function delivery(): WebhookDelivery {
  const profiles = new ProfileRepository(documentClient, config.tableName);
  const contacts = new ContactStore(documentClient, config.tableName, 60_000);
  const emails = new SqsEmailQueue(
    sqsClient,
    getStringFromEnv({ key: 'EMAIL_QUEUE_URL', errorMessage: 'EMAIL_QUEUE_URL is not set' }),
  );
  return new WebhookDelivery({
    store,
    queue,
    poster: { post: (url, body, headers) => postEvent(url, body, headers, { allowLocalHttp }) },
    alerts: new QueuedWebhookAlerts(
      new DynamoRecipientDirectory(documentClient, config.tableName, profiles, contacts),
      emails,
    ),
    clock,
    schedule: retrySchedule(),
  });
}
