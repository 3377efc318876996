/**
 * Archives a lead when DynamoDB's TTL deletes its expiry timer (SPEC §5). The event-source filter
 * passes only those records; the handler checks again, since a filter is configuration.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { leads } from '../shared/lead-composition-root.js';
import { logger } from '../shared/logger.js';
import { isTtlDeletion, itemOf } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function archive(record: DynamoDBRecord): Promise<void> {
  const timer = itemOf(record.dynamodb?.OldImage);
  if (!isTtlDeletion(record) || timer?.entity !== 'timer') return;
  const due = {
    leadId: String(timer.leadId),
    partnerId: String(timer.partnerId),
    respondBy: String(timer.respondBy),
  };
  const lead = await leads.expire(due, 'archiver');
  logger.debug(lead ? 'lead expired' : 'lead already answered or archived', { leadId: timer.leadId });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, archive, processor, { context });
};
