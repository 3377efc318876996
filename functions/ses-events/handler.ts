/**
 * Records SES bounces and complaints (from the configuration set's EventBridge destination, through
 * a durable queue): a hard-bounced or complaining address is suppressed platform-wide, receives no
 * further email and shows `suppressed` in every profile that lists it.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../adapters/sqs/client.js';
import { sesEventSchema, suppressionsOf } from '../domain/ses-feedback.js';
import { queueConsumer } from '../queue/consumer.js';
import { logger } from '../shared/logger.js';
import { count } from '../shared/metrics.js';
import { contacts, sesEventsBackoff, sesEventsQueueUrl } from '../shared/ses-events-runtime.js';

/** A body that is not an SES event: no retry will make it one. */
class MalformedEventError extends Error {}

async function record(message: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    throw new MalformedEventError('the message body is not JSON');
  }
  const event = sesEventSchema.safeParse(body);
  if (!event.success) throw new MalformedEventError('the message body is not an SES event');
  const suppressions = suppressionsOf(event.data, new Date());
  for (const { address, ...suppression } of suppressions) await contacts.suppress(address, suppression);
  count('AddressesSuppressed', suppressions.length, {
    name: 'reason',
    value: event.data.detail.eventType.toLowerCase(),
  });
  logger.info('ses event', {
    eventType: event.data.detail.eventType,
    sesMessageId: event.data.detail.mail?.messageId,
    suppressed: suppressions.length,
  });
}

export const handler = queueConsumer(record, {
  consumer: 'ses-events',
  sqs: sqsClient,
  queueUrl: sesEventsQueueUrl,
  backoff: sesEventsBackoff,
  describe: (message) => ({ sqsMessageId: message.messageId }),
  isPermanent: (error) => error instanceof MalformedEventError,
});
