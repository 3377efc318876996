/**
 * A durable-queue consumer: Powertools' SQS batch processor with partial batch responses, and
 * backoff by message: a message that fails is hidden for its next delay (ChangeMessageVisibility)
 * before it is reported as a batch item failure, so SQS offers it again only when the delay is
 * over, and moves it to the dead-letter queue once it has been received `maxReceives` times.
 * Records are processed side by side, also from a FIFO queue: its groups keep copies of one work
 * item out of two batches at once, and the order of copies does not matter.
 * Failures are logged with the message's keys only, never its body.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type BackoffPolicy, retryDelaySeconds } from '../domain/backoff.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';

export interface QueueConsumerOptions<S> {
  /** The consumer's name in logs and in the RecordsFailed metric's `consumer` dimension. @default 'queue' */
  consumer?: string;
  /** State shared by one batch's records (opened before them, closed after: e.g. one batched read and write). */
  batch?: { open(records: SQSRecord[]): Promise<S>; close(state: S): Promise<void> };
  sqs: SQSClient;
  queueUrl: string;
  backoff: BackoffPolicy;
  /** What identifies a record in the logs (ids and keys, never personal data). */
  describe?: (record: SQSRecord) => Record<string, unknown>;
  /** A failure no retry can fix: sent round at once, so it reaches the dead-letter queue within seconds. */
  isPermanent?: (error: unknown) => boolean;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/** A Lambda handler for an SQS event source that processes each record with `process`. */
export function queueConsumer<S = undefined>(
  process: (record: SQSRecord, batch: S) => Promise<void>,
  options: QueueConsumerOptions<S>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const describe = (record: SQSRecord) => {
    try {
      return options.describe?.(record) ?? {};
    } catch {
      return {};
    }
  };

  const withBackoff = async (record: SQSRecord, batch: S) => {
    try {
      await process(record, batch);
    } catch (error) {
      const attempts = Number(record.attributes.ApproximateReceiveCount) || 1;
      const permanent = options.isPermanent?.(error) ?? false;
      const delay = retryDelaySeconds(options.backoff, attempts, { permanent });
      const keys = { messageId: record.messageId, attempts, ...describe(record) };
      count('RecordsFailed', 1, { name: 'consumer', value: options.consumer ?? 'queue' });
      try {
        await options.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: options.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: delay,
          }),
        );
      } catch (visibilityError) {
        // The message still comes back, after the queue's own visibility timeout.
        logger.warn('could not set the retry delay', { ...keys, error: errorName(visibilityError) });
      }
      const final = attempts >= options.backoff.maxReceives;
      logger.warn(
        final
          ? 'message failed its last attempt; the queue moves it to the dead-letter queue'
          : 'message failed; retried later',
        {
          ...keys,
          retryInSeconds: final ? undefined : delay,
          permanent,
          // The name only: provider messages can quote the recipients' addresses.
          error: errorName(error),
        },
      );
      throw error;
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    const batch = options.batch ? await options.batch.open(event.Records) : (undefined as S);
    const handle = (record: SQSRecord) => withBackoff(record, batch);
    try {
      // One processor per batch: it keeps the batch's state, and the local runtime runs batches side
      // by side. An all-failed batch is still a partial response: each message keeps its own delay,
      // and the function's error metric stays a signal of bugs rather than of an SES outage.
      return await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      if (options.batch) await options.batch.close(batch);
    }
  };
}
