/**
 * A stream consumer's record that fails is retried by the event-source mapping (partial batch
 * response), and logged here with its keys and counted as RecordsFailed: an operator sees which
 * record holds a shard, never what it holds (images carry customer data).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';
import { recordKeys } from './records.js';

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/** Logs and counts the failure of one record of `consumer` before the batch processor reports it. */
export function recordFailed(consumer: string, record: DynamoDBRecord, error: unknown): void {
  logger.warn('stream record failed; the stream retries it', {
    consumer,
    ...recordKeys(record),
    error: errorName(error),
  });
  count('RecordsFailed', 1, { name: 'consumer', value: consumer });
}

/** `handle`, with a failed record logged by its keys and counted (the error still reaches the processor). */
export function loggedRecord<T>(
  consumer: string,
  handle: (record: DynamoDBRecord) => Promise<T>,
): (record: DynamoDBRecord) => Promise<T> {
  return async (record) => {
    try {
      return await handle(record);
    } catch (error) {
      recordFailed(consumer, record, error);
      throw error;
    }
  };
}
