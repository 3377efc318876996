/** The composition root of the webhook routes: the store, the delivery queue (for test, retry, replay), ids and secrets. */
import { randomBytes } from 'node:crypto';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { monotonicFactory } from 'ulidx';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.js';
import { SqsDeliveryQueue } from '../adapters/sqs/delivery-queue.js';
import { WebhookService } from '../domain/webhook-service.js';
import { allowLocalHttp } from './webhook-config.js';

const tableName = getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' });
const ulid = monotonicFactory();

export const webhookStore = new DynamoWebhookStore(documentClient, tableName);
export const webhooks = new WebhookService({
  store: webhookStore,
  queue: new SqsDeliveryQueue(() =>
    getStringFromEnv({ key: 'WEBHOOK_QUEUE_URL', errorMessage: 'WEBHOOK_QUEUE_URL is not set' }),
  ),
  clock: () => new Date(),
  newId: () => ulid(),
  // Standard Webhooks secrets are base64 after the prefix; 32 bytes, more than the 24 asked for.
  newSecret: () => `whsec_${randomBytes(32).toString('base64')}`,
  allowLocalHttp,
});
