/**
 * Sends the emails waiting in the durable queue through SES (SPEC §6 "Durable delivery"), each
 * once per key however often it is queued or received. A failed send is retried with backoff by
 * the queue; what fails every attempt lands in the dead-letter queue with the whole message.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../adapters/sqs/client.js';
import { PermanentDeliveryError, type SentEmail } from '../domain/email-delivery.js';
import { describeKey, emailMessageSchema } from '../domain/email-message.js';
import { queueConsumer } from '../queue/consumer.js';
import { logger } from '../shared/logger.js';
import { delivery, emailBackoff, emailQueueUrl, markers } from '../shared/mail-runtime.js';

/** A body that is not an email message is a bug upstream: no retry will make it one. */
class MalformedMessageError extends PermanentDeliveryError {}

function messageOf(record: SQSRecord) {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError('the message body is not JSON');
  }
  const parsed = emailMessageSchema.safeParse(body);
  if (!parsed.success) throw new MalformedMessageError('the message body is not an email message');
  return parsed.data;
}

async function send(record: SQSRecord, sent: SentEmail[]): Promise<void> {
  const message = messageOf(record);
  const result = await delivery.deliver(message);
  if (result.outcome === 'sent') sent.push(result.sent);
  logger.info('email', {
    ...describeKey(message.key),
    outcome: result.outcome,
    recipients: message.to.length,
  });
}

/**
 * The batch's sent emails are confirmed in one write after it. Should that fail, their markers
 * stay reserved: a copy received within five minutes waits, and none is sent twice meanwhile.
 */
async function confirmSent(sent: SentEmail[]) {
  if (sent.length === 0) return;
  try {
    await markers.confirm(sent);
  } catch (error) {
    logger.error('could not confirm sent emails', {
      emails: sent.map((s) => describeKey(s.key)),
      error: error instanceof Error ? error.name : typeof error,
    });
  }
}

export const handler = queueConsumer(send, {
  batch: { open: (): SentEmail[] => [], close: confirmSent },
  sqs: sqsClient,
  queueUrl: emailQueueUrl,
  backoff: emailBackoff,
  describe: (record) => describeKey(messageOf(record).key),
  isPermanent: (error) => error instanceof PermanentDeliveryError,
});
