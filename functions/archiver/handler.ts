/**
 * Archives a lead when DynamoDB's TTL deletes its expiry timer (SPEC §5). The event-source filter
 * passes only those records; the handler checks again, since a filter is configuration.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { leads } from '../shared/lead-composition-root.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';
import { loggedRecord } from '../stream/failures.js';
import { isTtlDeletion, timerOf } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function archive(record: DynamoDBRecord): Promise<void> {
  if (!isTtlDeletion(record)) return;
  const timer = timerOf(record.dynamodb?.OldImage);
  if (!timer) return;
  const { leadId, partnerId, respondBy } = timer;
  const expired = await leads.expire({ leadId, partnerId, respondBy }, 'archiver');
  logger.debug(expired ? 'lead expired' : 'lead already answered or archived', { leadId: timer.leadId });
  if (expired) count('LeadsExpired', 1, { name: 'path', value: 'ttl-stream' });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, loggedRecord('archiver', archive), processor, { context });
};
