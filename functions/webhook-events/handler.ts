/**
 * The table's stream is the webhooks' outbox too (SPEC §9): each lead change becomes a `lead.*`
 * event, stored 7 days for replay, and one queued delivery per matching subscription. Idempotent:
 * a redelivered record makes the same event and the same deliveries (deterministic ids), never a
 * second one. A record fails only if the table or the queue cannot be reached; the stream retries it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { fanOut } from '../shared/webhook-runtime.js';
import { recordFailed } from '../stream/failures.js';
import { leadImages } from '../stream/records.js';

const events = fanOut();

async function publish(
  record: DynamoDBRecord,
  subscriptionsOf: ReturnType<typeof events.subscriptionsOnce>,
): Promise<void> {
  try {
    const { previous, current } = leadImages(record);
    const queued = await events.fanOut(previous, current, subscriptionsOf);
    if (queued > 0) logger.debug('webhook deliveries queued', { leadId: current?.id, queued });
  } catch (error) {
    recordFailed('webhook-events', record, error);
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  // Subscriptions as they stand when the batch starts: a batch of one partner's changes reads them once.
  const subscriptionsOf = events.subscriptionsOnce();
  // One processor per batch: the local runtime runs batches of different shards side by side.
  return processPartialResponse(
    event,
    (record: DynamoDBRecord) => publish(record, subscriptionsOf),
    new BatchProcessor(EventType.DynamoDBStreams),
    { context },
  );
};
