/**
 * The local queues behind an SQS-compatible endpoint (the AWS JSON protocol the SDK speaks), so
 * the functions and the dead-letter command use the same SQS calls locally as on AWS: only
 * `SQS_ENDPOINT` and the queue URLs differ. It implements what they call: SendMessage, SendMessageBatch,
 * ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueUrl, GetQueueAttributes,
 * ListQueues, StartMessageMoveTask (the DLQ redrive) and ListMessageMoveTasks.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { QueueDefinition } from '../functions/queue/definitions.js';
import { listenOnLoopback } from './ports.js';
import { LocalQueue, ReceiptHandleIsInvalid } from './queue.js';

export interface LocalSqs {
  endpoint: string;
  /** The queue URL of a queue, as the functions get it in their environment. */
  urlOf(name: string): string;
  queue(name: string): LocalQueue;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const deadLetterName = (name: string) => `${name}-dead-letters`;

/** The URL of a local queue, as the functions get it in their environment. */
export const localQueueUrl = (port: number, name: string) => `http://127.0.0.1:${port}/000000000000/${name}`;

/** Starts the local queues of `definitions` (each with its dead-letter queue) on 127.0.0.1:`port`. */
export async function startLocalSqs(options: {
  port: number;
  definitions: readonly QueueDefinition[];
  /** Where the journals go; absent: in memory. */
  dataDir?: string;
}): Promise<LocalSqs> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const queues = new Map<string, LocalQueue>();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const journal = (name: string) =>
    options.dataDir ? { journal: join(options.dataDir, `${name}.jsonl`) } : {};
  for (const d of options.definitions) {
    const dlq = new LocalQueue(deadLetterName(d.name), {
      visibilityTimeoutSeconds: 30,
      fifo: d.fifo,
      retentionSeconds: d.deadLetterRetentionDays * 86_400,
      ...journal(deadLetterName(d.name)),
    });
    const queue = new LocalQueue(d.name, {
      visibilityTimeoutSeconds: d.visibilityTimeoutSeconds,
      retentionSeconds: d.retentionDays * 86_400,
      deadLetter: { queue: dlq, maxReceiveCount: d.backoff.maxReceives },
      fifo: d.fifo,
      ...journal(d.name),
    });
    queues.set(dlq.name, dlq);
    queues.set(queue.name, queue);
  }
  const urlOf = (name: string) => localQueueUrl(options.port, name);
  const tasks: Json[] = [];

  const byUrl = (url: unknown): LocalQueue => {
    const name = typeof url === 'string' ? url.split('/').pop() : undefined;
    const queue = name ? queues.get(name) : undefined;
    if (!queue)
      throw new SqsError('com.amazonaws.sqs#QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  };
  const byArn = (arn: unknown): LocalQueue | undefined => [...queues.values()].find((q) => q.arn === arn);

  // Keyed by the X-Amz-Target operation name the SDK sends.
  const actions = new Map<string, (input: Json) => Json>([
    ['GetQueueUrl', (input) => ({ QueueUrl: urlOf(byUrl(`/${String(input.QueueName)}`).name) })],
    ['ListQueues', () => ({ QueueUrls: [...queues.keys()].map(urlOf) })],
    [
      'SendMessage',
      (input) => {
        if (typeof input.MessageBody !== 'string' || input.MessageBody.length === 0) {
          throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'MessageBody is required.');
        }
        const queue = byUrl(input.QueueUrl);
        const group = typeof input.MessageGroupId === 'string' ? input.MessageGroupId : undefined;
        const dedup =
          typeof input.MessageDeduplicationId === 'string' ? input.MessageDeduplicationId : undefined;
        if (queue.options.fifo && (!group || !dedup)) {
          throw new SqsError(
            'com.amazonaws.sqs#MissingParameter',
            'A FIFO queue needs MessageGroupId and MessageDeduplicationId.',
          );
        }
        const message = queue.send(input.MessageBody, {
          delaySeconds: Number(input.DelaySeconds ?? 0),
          ...(group ? { groupId: group } : {}),
          ...(dedup ? { dedupId: dedup } : {}),
        });
        return { MessageId: message.id, MD5OfMessageBody: message.md5 };
      },
    ],
    [
      'SendMessageBatch',
      (input) => {
        const queue = byUrl(input.QueueUrl);
        const entries = Array.isArray(input.Entries) ? (input.Entries as Json[]) : [];
        if (entries.length === 0 || entries.length > 10) {
          throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'Entries must hold 1-10 messages.');
        }
        // As SQS does, an entry that is wrong fails alone, in Failed; the others are sent.
        const Successful: Json[] = [];
        const Failed: Json[] = [];
        for (const entry of entries) {
          const group = typeof entry.MessageGroupId === 'string' ? entry.MessageGroupId : undefined;
          const dedup =
            typeof entry.MessageDeduplicationId === 'string' ? entry.MessageDeduplicationId : undefined;
          if (typeof entry.MessageBody !== 'string' || entry.MessageBody.length === 0) {
            Failed.push({
              Id: entry.Id,
              SenderFault: true,
              Code: 'InvalidParameterValue',
              Message: 'MessageBody is required.',
            });
          } else if (queue.options.fifo && (!group || !dedup)) {
            Failed.push({
              Id: entry.Id,
              SenderFault: true,
              Code: 'MissingParameter',
              Message: 'A FIFO queue needs MessageGroupId and MessageDeduplicationId.',
            });
          } else {
            const message = queue.send(entry.MessageBody, {
              delaySeconds: Number(entry.DelaySeconds ?? 0),
              ...(group ? { groupId: group } : {}),
              ...(dedup ? { dedupId: dedup } : {}),
            });
            Successful.push({ Id: entry.Id, MessageId: message.id, MD5OfMessageBody: message.md5 });
          }
        }
        return { Successful, Failed };
      },
    ],
    [
      'ReceiveMessage',
      (input) => {
        const queue = byUrl(input.QueueUrl);
        const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
        const received = queue.receive(
          max,
          input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout),
        );
        return {
          Messages: received.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            MD5OfBody: m.md5,
            Body: m.body,
            Attributes: {
              ApproximateReceiveCount: String(m.receiveCount),
              SentTimestamp: String(m.sentAt),
              ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
              ...(m.source ? { DeadLetterQueueSourceArn: queues.get(m.source)?.arn ?? '' } : {}),
              ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
              ...(m.dedupId ? { MessageDeduplicationId: m.dedupId, SequenceNumber: String(m.sentAt) } : {}),
            },
          })),
        };
      },
    ],
    [
      'DeleteMessage',
      (input) => {
        byUrl(input.QueueUrl).delete(String(input.ReceiptHandle));
        return {};
      },
    ],
    [
      'ChangeMessageVisibility',
      (input) => {
        const seconds = Number(input.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
          throw new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'VisibilityTimeout must be 0-43200.');
        }
        try {
          byUrl(input.QueueUrl).changeVisibility(String(input.ReceiptHandle), seconds);
        } catch (error) {
          if (error instanceof ReceiptHandleIsInvalid) {
            throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', error.message);
          }
          throw error;
        }
        return {};
      },
    ],
    [
      'GetQueueAttributes',
      (input) => {
        const queue = byUrl(input.QueueUrl);
        const counts = queue.counts();
        const deadLetter = queue.options.deadLetter;
        return {
          Attributes: {
            QueueArn: queue.arn,
            FifoQueue: String(Boolean(queue.options.fifo)),
            ApproximateNumberOfMessages: String(counts.visible),
            ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
            ApproximateNumberOfMessagesDelayed: String(counts.delayed),
            VisibilityTimeout: String(queue.options.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(queue.options.retentionSeconds),
            ...(deadLetter
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: deadLetter.queue.arn,
                    maxReceiveCount: deadLetter.maxReceiveCount,
                  }),
                }
              : {}),
          },
        };
      },
    ],
    [
      'StartMessageMoveTask',
      (input) => {
        const source = byArn(input.SourceArn);
        if (!source)
          throw new SqsError('com.amazonaws.sqs#ResourceNotFoundException', 'No queue has that ARN.');
        const destination = input.DestinationArn === undefined ? undefined : byArn(input.DestinationArn);
        const moved = source.redrive((name) => queues.get(name), destination);
        const task = {
          TaskHandle: randomUUID(),
          Status: 'COMPLETED',
          SourceArn: source.arn,
          ApproximateNumberOfMessagesMoved: moved,
          ApproximateNumberOfMessagesToMove: moved,
          StartedTimestamp: Date.now(),
        };
        tasks.unshift(task);
        return { TaskHandle: task.TaskHandle };
      },
    ],
    [
      'ListMessageMoveTasks',
      (input) => ({
        Results: tasks.filter((t) => t.SourceArn === input.SourceArn).slice(0, 10),
      }),
    ],
  ]);

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } catch {
      // The client went away mid-request: nothing to answer, and nothing to crash the runtime over.
      return;
    }
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    let status = 200;
    let body: Json;
    try {
      const handler = actions.get(action);
      if (request.method !== 'POST' || !handler) {
        throw new SqsError(
          'com.amazonaws.sqs#UnsupportedOperation',
          `local SQS does not implement ${action || request.method}`,
        );
      }
      const text = Buffer.concat(chunks).toString('utf8');
      body = handler(text ? (JSON.parse(text) as Json) : {});
    } catch (error) {
      const known =
        error instanceof SqsError
          ? error
          : new SqsError('com.amazonaws.sqs#InternalError', String(error), 500);
      status = known.status;
      body = { __type: known.type, message: known.message };
    }
    response.on('error', () => undefined);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(body));
  });
  const stop = await listenOnLoopback(server, options.port);

  return {
    endpoint,
    urlOf,
    queue(name) {
      const queue = queues.get(name);
      if (!queue) throw new Error(`no local queue ${name}`);
      return queue;
    },
    close: stop,
  };
}
