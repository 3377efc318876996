/**
 * The table's stream is the outbox (SPEC §6): each lead change that calls for an email becomes a
 * complete message on the durable email queue, and each saved profile sends its new alert
 * addresses a confirmation link. Sending is the email sender's job; a record only fails here if
 * the queue (or the table) cannot be reached, and then the stream retries it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { validLeadSchema } from '../domain/lead.js';
import { notificationFor } from '../domain/notifications.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';
import { confirmations, markers, notifications, queue } from '../shared/notifier-runtime.js';
import { loggedRecord } from '../stream/failures.js';
import { leadImages, profileImage } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function notify(
  record: DynamoDBRecord,
  alertRecipientsOf: ReturnType<typeof notifications.alertRecipientsOnce>,
): Promise<void> {
  const profile = profileImage(record);
  if (profile) {
    const queued = await confirmations.requestDue(profile);
    if (queued > 0) logger.info('confirmation links queued', { partnerId: profile.partnerId, queued });
    count('EmailsQueued', queued, { name: 'kind', value: 'contact-confirmation' });
    return;
  }
  // Lead text goes into email subjects and bodies here, so every input rule is checked again (no
  // line break reaches a header, whoever wrote the item); nobody waits on this function's cold start.
  const { previous, current } = leadImages(record, validLeadSchema);
  const notification = notificationFor(previous, current);
  if (!notification) return;
  const message = await notifications.compose(notification, alertRecipientsOf);
  const key = { type: 'lead', leadId: notification.lead.id, kind: notification.kind } as const;
  if (message) {
    await queue.enqueue(message);
    count('EmailsQueued', 1, { name: 'kind', value: notification.kind });
  } else if (notification.kind === 'lead-reminder') {
    // A reminder nobody may receive is settled all the same, so the reconciler stops re-arming it.
    await markers.settleWithoutEmail(key, new Date());
  }
  logger.info('notification', {
    kind: notification.kind,
    leadId: notification.lead.id,
    queued: Boolean(message),
  });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  // Alert recipients as they stand when the batch first needs them: a burst of one partner's new
  // leads reads its profile and contacts once per batch instead of once per lead.
  const alertRecipientsOf = notifications.alertRecipientsOnce();
  const notifyLogged = loggedRecord('notifier', (record) => notify(record, alertRecipientsOf));
  return processPartialResponse(event, notifyLogged, processor, { context });
};
