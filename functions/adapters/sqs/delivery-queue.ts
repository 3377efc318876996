/** The webhook delivery queue, written through SQS: pointers to deliveries, each delayed until it is due. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../../domain/webhook-service.js';
import { type DeliveryMessage, queueDelaySeconds } from '../../domain/webhooks.js';

/** SQS takes at most 10 messages in one batch. */
const BATCH = 10;

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    /** Read when first needed: only the functions that queue deliveries are given the queue. */
    private readonly queueUrl: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    const now = this.clock();
    // One batch after another, so a replay goes out in order.
    for (let i = 0; i < messages.length; i += BATCH) {
      const entries = messages.slice(i, i + BATCH).map((message, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify(message),
        DelaySeconds: queueDelaySeconds(message.dueAt ? new Date(message.dueAt) : undefined, now),
      }));
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl(), Entries: entries }),
      );
      if (Failed && Failed.length > 0) {
        throw new Error(`the delivery queue refused ${Failed.length} message(s): ${Failed[0]?.Code}`);
      }
    }
  }
}
