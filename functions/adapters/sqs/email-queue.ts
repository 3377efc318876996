/** The durable email queue, written through SQS (FIFO): each message holds a whole email. */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type EmailMessage, type EmailQueue, emailKeyId } from '../../domain/email-message.js';

export class SqsEmailQueue implements EmailQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: EmailMessage): Promise<void> {
    const id = emailKeyId(message.key);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        // One group per email, so two copies are never in flight at once, and a copy queued within
        // 5 minutes of the first (a stream record delivered twice) is dropped by SQS itself.
        MessageGroupId: id,
        MessageDeduplicationId: createHash('sha256').update(id).digest('hex'),
      }),
    );
  }
}
