/**
 * Sends the emails waiting in the durable queue (SQS FIFO) through SES (SPEC §6 "Durable
 * delivery"), each once per key however often it is queued or received. A failed send is retried with backoff by
 * the queue; what fails every attempt lands in the dead-letter queue with the whole message.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../adapters/sqs/client.js';
import { type DeliveryBatch, PermanentDeliveryError } from '../domain/email-delivery.js';
import { describeKey, emailMessageSchema } from '../domain/email-message.js';
import { queueConsumer } from '../queue/consumer.js';
import { logger } from '../shared/logger.js';
import { delivery, emailBackoff, emailQueueUrl } from '../shared/mail-runtime.js';
import { count } from '../shared/metrics.js';

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

async function send(record: SQSRecord, batch: DeliveryBatch): Promise<void> {
  const message = messageOf(record);
  const outcome = await delivery.deliver(message, batch);
  logger.info('email', { ...describeKey(message.key), outcome, recipients: message.to.length });
  if (outcome === 'sent') {
    count('EmailsSent', 1, {
      name: 'kind',
      value:
        message.key.type === 'lead'
          ? message.key.kind
          : message.key.type === 'confirmation'
            ? 'contact-confirmation'
            : message.key.type,
    });
  }
}

/** The batch's markers in one read: the messages that parse (the others fail on their own). */
function begin(records: SQSRecord[]): Promise<DeliveryBatch> {
  const messages = records.flatMap((record) => {
    try {
      return [messageOf(record)];
    } catch {
      return [];
    }
  });
  return delivery.begin(messages);
}

/**
 * The batch's sent emails are recorded in one write after it. Should that fail, a later copy of
 * one of them would send it again: logged with the keys, so an operator can tell.
 */
async function finish(batch: DeliveryBatch) {
  try {
    await delivery.finish(batch);
  } catch (error) {
    logger.error('could not record sent emails', {
      emails: batch.sent.map((s) => describeKey(s.key)),
      error: error instanceof Error ? error.name : typeof error,
    });
  }
}

export const handler = queueConsumer(send, {
  consumer: 'email-sender',
  batch: { open: begin, close: finish },
  sqs: sqsClient,
  queueUrl: emailQueueUrl,
  backoff: emailBackoff,
  describe: (record) => describeKey(messageOf(record).key),
  isPermanent: (error) => error instanceof PermanentDeliveryError,
});
