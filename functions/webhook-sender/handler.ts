/**
 * Attempts the queued webhook deliveries (SPEC §9): signs the stored event, POSTs it safely, logs
 * the attempt and queues the next one on WEBHOOK_RETRY_SCHEDULE. A receiver's failure is not this
 * function's failure (the message is done; its retry is a new, delayed message); only the
 * platform's own (the table or the queue unreachable) fails the record, for the queue's backoff.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../adapters/sqs/client.js';
import { PermanentDeliveryError } from '../domain/email-delivery.js';
import type { AttemptContext } from '../domain/webhook-service.js';
import { deliveryMessageSchema } from '../domain/webhooks.js';
import { queueConsumer } from '../queue/consumer.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';
import { delivery, webhookQueueBackoff, webhookQueueUrl } from '../shared/webhook-runtime.js';

const deliveries = delivery();

/** A body that is not a delivery message is a bug upstream: no retry will make it one. */
function messageOf(record: SQSRecord) {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new PermanentDeliveryError('the message body is not JSON');
  }
  const parsed = deliveryMessageSchema.safeParse(body);
  if (!parsed.success) throw new PermanentDeliveryError('the message body is not a webhook delivery');
  return parsed.data;
}

type Prefetched = Map<string, AttemptContext> | undefined;

async function attempt(record: SQSRecord, prefetched: Prefetched): Promise<void> {
  const message = messageOf(record);
  const result = await deliveries.attempt(message, prefetched);
  // Ids only: the event carries customer data, the URL may carry the partner's own tokens.
  logger.info('webhook attempt', {
    subscriptionId: message.subscriptionId,
    deliveryId: message.deliveryId,
    result,
  });
  count('WebhookAttempts', 1, { name: 'result', value: result });
}

/**
 * The batch's subscriptions, deliveries and events in one BatchGetItem (instead of one per record).
 * Should it fail, each record reads its own, and fails on its own.
 */
async function prefetch(records: SQSRecord[]): Promise<Prefetched> {
  const messages = records.flatMap((record) => {
    try {
      return [messageOf(record)];
    } catch {
      return [];
    }
  });
  try {
    return await deliveries.prefetch(messages);
  } catch {
    return undefined;
  }
}

export const handler = queueConsumer<Prefetched>(attempt, {
  batch: { open: prefetch, close: async () => undefined },
  consumer: 'webhook-sender',
  sqs: sqsClient,
  queueUrl: webhookQueueUrl,
  backoff: webhookQueueBackoff,
  describe: (record) => {
    const { subscriptionId, deliveryId } = messageOf(record);
    return { subscriptionId, deliveryId };
  },
  isPermanent: (error) => error instanceof PermanentDeliveryError,
});
