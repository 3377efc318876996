/**
 * Keeps the insights aggregates (SPEC §7.2) from the table's stream: each lead change becomes the
 * delta between its old and new figures, and a batch is counted in a few transactions, each change
 * exactly once however often it is delivered (see InsightsStore).
 *
 * Not Powertools' BatchProcessor: it hands records over one by one, and counting them one by one
 * would cost a transaction each. This consumer counts the batch together and answers the same
 * partial batch response itself: every record from the first one whose change was not counted.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { CountingError } from '../adapters/dynamodb/insights-store.js';
import { type CountedChange, type CountedLead, changeOf, countedLeadSchema } from '../domain/insights.js';
import { insightsStore } from '../shared/insights-composition-root.js';
import { logger } from '../shared/logger.js';
import { recordFailed } from '../stream/failures.js';
import { itemOf } from '../stream/records.js';

/** A lead image as far as its figures go; other items (none pass the filter) are not leads. */
function countedImage(image: Parameters<typeof itemOf>[0]): CountedLead | undefined {
  const item = itemOf(image);
  return item?.entity === 'lead' ? countedLeadSchema.parse(item) : undefined;
}

/** Every record from `first` on is reported failed; the first of them is logged by its keys and counted. */
function failuresFrom(records: DynamoDBRecord[], first: number, error?: unknown): DynamoDBBatchResponse {
  const failed = records.slice(first);
  if (failed[0]) recordFailed('insights-aggregator', failed[0], error);
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
}

export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const records = event.Records;
  const changes: CountedChange[] = [];
  const recordOf = new Map<CountedChange, number>();
  for (const [i, record] of records.entries()) {
    let change: CountedChange | undefined;
    try {
      change = changeOf(countedImage(record.dynamodb?.OldImage), countedImage(record.dynamodb?.NewImage));
    } catch (error) {
      // An image that is not a lead is a bug: stop here, so nothing after it is counted out of turn.
      logger.error('unreadable lead image', {
        error: error as Error,
        sequenceNumber: record.dynamodb?.SequenceNumber,
      });
      return countThenFail(changes, records, i, recordOf);
    }
    if (change) {
      changes.push(change);
      recordOf.set(change, i);
    }
  }
  return countThenFail(changes, records, records.length, recordOf);
};

/** Counts what can be counted; every record from `failedAt` (or from the first uncounted change) is reported failed. */
async function countThenFail(
  changes: CountedChange[],
  records: DynamoDBRecord[],
  failedAt: number,
  recordOf: Map<CountedChange, number>,
): Promise<DynamoDBBatchResponse> {
  try {
    const result = await insightsStore.count(changes, new Date());
    logger.info('counted', { records: records.length, ...result });
    return failuresFrom(records, failedAt);
  } catch (error) {
    if (!(error instanceof CountingError)) throw error;
    logger.error('counting failed', { error: error.message, counted: error.counted.length });
    const first = Math.min(failedAt, ...error.uncounted.map((c) => recordOf.get(c) ?? records.length));
    return failuresFrom(records, first, error);
  }
}
