/**
 * The composition root of the webhook routes: the store, ids and secrets, and the use cases. Each
 * use case is marked pure, so a function builds (and bundles) only the one it uses: the delivery
 * queue and the SQS client behind it only where test, retry and replay send. Create and change,
 * which check the endpoint's address, are built in webhook-registration-root.ts.
 */
import { randomBytes } from 'node:crypto';
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { monotonicFactory } from 'ulidx';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.js';
import { SqsDeliveryQueue } from '../adapters/sqs/delivery-queue.js';
import { WebhookResend, WebhookService } from '../domain/webhook-service.js';

const tableName = getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' });
const ulid = /* @__PURE__ */ monotonicFactory();

const store = new DynamoWebhookStore(documentClient, tableName);
const clock = () => new Date();
const newId = () => ulid();
// Standard Webhooks secrets are base64 after the prefix; 32 bytes, more than the 24 asked for.
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** What every webhook use case is built from. */
export const webhookParts = { store, clock, newId, newSecret };

// Plain names, not webhookParts' properties, in the pure constructions below: esbuild keeps an
// unused `new` whose arguments read a property (a getter might run), and with it the SQS client.

/** List, read, delete, rotate the secret, the delivery log. */
export const webhooks = /* @__PURE__ */ new WebhookService({ store, clock, newSecret });

/** Test, retry and replay: the only webhook routes that queue a delivery. */
export const webhookResend = /* @__PURE__ */ new WebhookResend({
  store,
  clock,
  newId,
  queue: /* @__PURE__ */ new SqsDeliveryQueue(() =>
    getStringFromEnv({ key: 'WEBHOOK_QUEUE_URL', errorMessage: 'WEBHOOK_QUEUE_URL is not set' }),
  ),
});
