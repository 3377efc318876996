/**
 * Feeds a local queue to its consumer as Lambda's SQS event-source mapping does: batches of
 * received messages as an SQS event, the messages the handler does not report as failures
 * deleted, the failed ones left to come back when their visibility ends (the handler may have
 * changed it for backoff), and a few batches in flight at once.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { asFunction } from './iam-check.js';
import { lambdaContext } from './lambda-context.js';
import type { LocalQueue, StoredMessage } from './queue.js';
import { traced } from './trace.js';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface QueuePollerOptions {
  queue: LocalQueue;
  name: string;
  load: () => Promise<QueueHandler>;
  batchSize: number;
  /** Batches in flight at once (Lambda scales its pollers out the same way). */
  concurrency?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

const toRecord = (queue: LocalQueue, m: StoredMessage): SQSRecord => ({
  messageId: m.id,
  receiptHandle: m.receipt ?? '',
  body: m.body,
  attributes: {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
    ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
    ...(m.dedupId ? { MessageDeduplicationId: m.dedupId, SequenceNumber: String(m.sentAt) } : {}),
  },
  messageAttributes: {},
  md5OfBody: m.md5,
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: 'us-east-1',
});

export function startQueuePoller(options: QueuePollerOptions): { stop(): Promise<void> } {
  let stopped = false;
  let handler: QueueHandler | undefined;
  const workers: Promise<void>[] = [];

  const work = async () => {
    while (!stopped) {
      try {
        const messages = options.queue.receive(options.batchSize);
        if (messages.length === 0) {
          await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
          continue;
        }
        handler ??= await options.load();
        let failed: Set<string>;
        try {
          const run = handler;
          const response = await traced(`queue:${options.name}`, messages.length, () =>
            asFunction(options.name, () =>
              run({ Records: messages.map((m) => toRecord(options.queue, m)) }, lambdaContext(options.name)),
            ),
          );
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          options.log?.(`${options.name}: batch failed: ${(error as Error).message}`);
          failed = new Set(messages.map((m) => m.id));
        }
        for (const message of messages)
          if (!failed.has(message.id)) options.queue.delete(message.receipt ?? '');
      } catch (error) {
        options.log?.(`${options.name} poller: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
      }
    }
  };
  for (let i = 0; i < (options.concurrency ?? 2); i++) workers.push(work());
  return {
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}
