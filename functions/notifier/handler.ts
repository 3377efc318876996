/**
 * The table's stream is the outbox (SPEC §6): each lead change that calls for an email becomes a
 * complete message on the durable email queue, and each saved profile sends its new alert
 * addresses a confirmation link. Sending is the email sender's job; a record only fails here if
 * the queue (or the table) cannot be reached, and then the stream retries it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { notificationFor } from '../domain/notifications.js';
import { logger } from '../shared/logger.js';
import { confirmations, markers, notifications, queue } from '../shared/notifier-runtime.js';
import { leadImages, profileImage, recordKeys } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function notify(record: DynamoDBRecord): Promise<void> {
  const profile = profileImage(record);
  if (profile) {
    const queued = await confirmations.requestDue(profile);
    if (queued > 0) logger.info('confirmation links queued', { partnerId: profile.partnerId, queued });
    return;
  }
  const { previous, current } = leadImages(record);
  const notification = notificationFor(previous, current);
  if (!notification) return;
  const message = await notifications.compose(notification);
  const key = { type: 'lead', leadId: notification.lead.id, kind: notification.kind } as const;
  if (message) await queue.enqueue(message);
  // A reminder nobody may receive is settled all the same, so the reconciler stops re-arming it.
  else if (notification.kind === 'lead-reminder') await markers.settleWithoutEmail(key, new Date());
  logger.info('notification', {
    kind: notification.kind,
    leadId: notification.lead.id,
    queued: Boolean(message),
  });
}

async function notifyLogged(record: DynamoDBRecord): Promise<void> {
  try {
    await notify(record);
  } catch (error) {
    logger.warn('stream record failed; the stream retries it', {
      ...recordKeys(record),
      error: error instanceof Error ? error.name : typeof error,
    });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, notifyLogged, processor, { context });
};
