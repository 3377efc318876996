/**
 * The webhook delivery queue, written through SQS: pointers to deliveries, each delayed until it is
 * due. The SQS client is loaded at the first send (`./batch-send.ts`).
 */
import type { DeliveryQueue } from '../../domain/webhook-service.js';
import { type DeliveryMessage, queueDelaySeconds } from '../../domain/webhooks.js';

/** SQS takes at most 10 messages in one batch. */
const BATCH = 10;

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
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
      const { sendBatch } = await import('./batch-send.js');
      const { Failed } = await sendBatch(this.queueUrl(), entries);
      if (Failed && Failed.length > 0) {
        throw new Error(`the delivery queue refused ${Failed.length} message(s): ${Failed[0]?.Code}`);
      }
    }
  }
}
