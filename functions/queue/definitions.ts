/**
 * The durable queues, defined once: the CDK stack builds each SQS queue, its dead-letter queue and
 * its event-source mapping from these, and the local runtime builds its local queues from the very
 * same numbers (an infra test proves they match), as the table definition does for the table.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import type { BackoffPolicy } from '../domain/backoff.js';
import { durationMs } from '../domain/duration.js';

export interface QueueDefinition {
  /** Names the queue locally and its constructs in CDK. */
  name: string;
  /** What waits in it, for the alarm texts. */
  holds: string;
  /** How long a received message stays hidden while its consumer works: six times the consumer's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number;
  /** The consumer function's timeout. */
  consumerTimeoutSeconds: number;
  /** Messages per consumer invocation. */
  batchSize: number;
  /** Consumer invocations at most at once (the event-source mapping's, and the local poller's batches in flight). */
  maxConcurrency: number;
  /** Kept this long; longer than the whole retry schedule. */
  retentionDays: number;
  /** The dead-letter queue keeps what failed every retry this long (SQS counts from the first enqueue). */
  deadLetterRetentionDays: number;
  /** How failures are retried; `maxReceives` is the redrive policy's maxReceiveCount. */
  backoff: BackoffPolicy;
  /** The environment variables that may shorten the backoff (local runs and tests only). */
  backoffEnv: { base: string; cap: string };
  /** The oldest message may wait this long before the age alarm fires. */
  maxAgeSeconds: number;
  /**
   * FIFO, one message group per work item: SQS never has two copies of an item in flight at once
   * and drops a copy sent within 5 minutes of the first, so the consumer needs no reservation.
   */
  fifo: boolean;
}

export const queueDefinitions = {
  /**
   * Emails waiting to be sent. 30 s doubling to a 30 min cap, 100 receives: a message is retried
   * for at least 23.5 hours (about 35 on average) before it lands in the dead-letter queue.
   */
  emails: {
    name: 'emails',
    holds: 'emails waiting to be sent through SES',
    visibilityTimeoutSeconds: 180,
    consumerTimeoutSeconds: 30,
    batchSize: 10,
    // Bounds the pressure on SES.
    maxConcurrency: 5,
    retentionDays: 4,
    deadLetterRetentionDays: 14,
    backoff: { baseSeconds: 30, capSeconds: 30 * 60, maxReceives: 100 },
    backoffEnv: { base: 'EMAIL_RETRY_BASE', cap: 'EMAIL_RETRY_CAP' },
    maxAgeSeconds: 60 * 60,
    fifo: true,
  },
  /** SES bounce and complaint events (from EventBridge) waiting to suppress their addresses. */
  sesEvents: {
    name: 'ses-events',
    holds: 'SES bounce and complaint events waiting to be recorded',
    visibilityTimeoutSeconds: 60,
    consumerTimeoutSeconds: 10,
    batchSize: 10,
    maxConcurrency: 5,
    retentionDays: 4,
    deadLetterRetentionDays: 14,
    backoff: { baseSeconds: 10, capSeconds: 10 * 60, maxReceives: 50 },
    backoffEnv: { base: 'SES_EVENTS_RETRY_BASE', cap: 'SES_EVENTS_RETRY_CAP' },
    maxAgeSeconds: 60 * 60,
    // EventBridge puts events on it; their order does not matter and recording one twice is harmless.
    fifo: false,
  },
  /**
   * Webhook deliveries waiting for their next attempt: pointers to a delivery and its stored event.
   * The receiver's failures follow WEBHOOK_RETRY_SCHEDULE (a new, delayed message per wait); this
   * backoff is for the platform's own failures (the table cannot be reached): 10 s doubling to
   * 15 min, 30 receives, about 5 hours before the dead-letter queue.
   */
  webhooks: {
    name: 'webhook-deliveries',
    holds: 'webhook deliveries waiting for their next attempt',
    // A batch of 10 POSTs side by side, each at most 10 s, plus the table's reads and writes.
    visibilityTimeoutSeconds: 180,
    consumerTimeoutSeconds: 30,
    batchSize: 10,
    // 10 batches of 10 POSTs at most at once: each endpoint is the partner's own, and a slow one
    // holds its POSTs for up to 10 s.
    maxConcurrency: 10,
    retentionDays: 4,
    deadLetterRetentionDays: 14,
    backoff: { baseSeconds: 10, capSeconds: 15 * 60, maxReceives: 30 },
    backoffEnv: { base: 'WEBHOOK_QUEUE_RETRY_BASE', cap: 'WEBHOOK_QUEUE_RETRY_CAP' },
    // A message waits at most 15 minutes (its delay) plus a batch before it is taken.
    maxAgeSeconds: 30 * 60,
    // Order is not promised to receivers (data.lead.version tells a stale event), and a copy is harmless.
    fifo: false,
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof queueDefinitions;

/** The queue's backoff, with base and cap shortened by the environment where it says so (local runs). */
export function backoffOf(definition: QueueDefinition): BackoffPolicy {
  const seconds = (key: string, fallback: number) => {
    const value = getStringFromEnv({ key, defaultValue: '' });
    return value ? durationMs(value) / 1000 : fallback;
  };
  return {
    ...definition.backoff,
    baseSeconds: seconds(definition.backoffEnv.base, definition.backoff.baseSeconds),
    capSeconds: seconds(definition.backoffEnv.cap, definition.backoff.capSeconds),
  };
}
