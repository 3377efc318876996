/**
 * Emails what the lead changes on the table's stream announce (SPEC §6): the stream is the
 * outbox. Each email goes out once per event, however often a record is delivered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { notificationFor } from '../domain/notifications.js';
import { logger } from '../shared/logger.js';
import { notifications } from '../shared/mail-runtime.js';
import { leadImages } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function notify(record: DynamoDBRecord): Promise<void> {
  const { previous, current } = leadImages(record);
  const notification = notificationFor(previous, current);
  if (!notification) return;
  const delivery = await notifications.deliver(notification);
  logger.info('notification', { kind: notification.kind, leadId: notification.lead.id, delivery });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, notify, processor, { context });
};
