/** The durable email queue, written through SQS: each message holds a whole email. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EmailMessage, EmailQueue } from '../../domain/email-message.js';

export class SqsEmailQueue implements EmailQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: EmailMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}
