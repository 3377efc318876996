/**
 * The durable email queue, written through SQS (FIFO): each message holds a whole email.
 *
 * The notifier composes a batch's emails side by side, so their `enqueue` calls arrive together:
 * the ones made before the event loop turns are sent as SendMessageBatch requests of up to ten
 * (one request instead of ten, the same `sqs:SendMessage` permission). Each caller still learns
 * the fate of its own message, so a refused one fails only its own stream record.
 */
import { createHash } from 'node:crypto';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type EmailMessage, type EmailQueue, emailKeyId } from '../../domain/email-message.js';

/** SQS takes at most ten messages in one batch… */
const BATCH_ENTRIES = 10;
/** …and 256 KiB in all (a batch is cut short of it; an email is a few KiB). */
const BATCH_BYTES = 200 * 1024;

interface Pending {
  entry: SendMessageBatchRequestEntry;
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A message SQS refused in a batch that it otherwise took. */
export class EmailQueueRefusedError extends Error {}

export class SqsEmailQueue implements EmailQueue {
  private pending: Pending[] = [];

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(message: EmailMessage): Promise<void> {
    const id = emailKeyId(message.key);
    const body = JSON.stringify(message);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        entry: {
          Id: '',
          MessageBody: body,
          // One group per email, so two copies are never in flight at once, and a copy queued within
          // 5 minutes of the first (a stream record delivered twice) is dropped by SQS itself.
          MessageGroupId: id,
          MessageDeduplicationId: createHash('sha256').update(id).digest('hex'),
        },
        bytes: Buffer.byteLength(body),
        resolve,
        reject,
      });
      // The calls made before the event loop turns go out together.
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    const batches: Pending[][] = [];
    let batch: Pending[] = [];
    let bytes = 0;
    for (const item of waiting) {
      if (batch.length > 0 && (batch.length >= BATCH_ENTRIES || bytes + item.bytes > BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(item);
      bytes += item.bytes;
    }
    if (batch.length > 0) batches.push(batch);
    await Promise.all(batches.map((b) => this.send(b)));
  }

  private async send(batch: Pending[]): Promise<void> {
    try {
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((item, i) => ({ ...item.entry, Id: String(i) })),
        }),
      );
      const failed = new Map((Failed ?? []).map((f) => [f.Id, f]));
      batch.forEach((item, i) => {
        const refusal = failed.get(String(i));
        if (refusal)
          item.reject(new EmailQueueRefusedError(`the email queue refused a message: ${refusal.Code}`));
        else item.resolve();
      });
    } catch (error) {
      for (const item of batch) item.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
