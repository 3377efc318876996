import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { queueDefinitions } from '../../functions/queue/definitions.js';
import { consumerFilters } from '../../functions/stream/filters.js';
import { AppFunction } from './app-function.js';
import { DurableQueue } from './durable-queue.js';
import { acknowledgeListStreams, StreamConsumer } from './stream-consumer.js';
import { grantTableAccess } from './table-grants.js';

export interface WebhookConsumersProps {
  table: ITable;
  /** What every stream function of the stack gets (service name, table name, windows). */
  environment: Record<string, string>;
  /** The disabled-webhook email goes through the durable email queue. */
  emails: DurableQueue;
  alarmTopic: ITopic;
  /** WEBHOOK_RETRY_SCHEDULE. */
  retrySchedule: string;
}

/**
 * Webhooks for partner apps (SPEC §9): the stream consumer that turns lead changes into stored
 * events and queued deliveries, and the durable delivery queue with its sender. Each function is
 * granted only the DynamoDB actions its code sends, only on the partitions it owns
 * (`dynamodb:LeadingKeys`), so neither can read or write a lead item:
 * - webhook events: Query PARTNER#<p> (subscriptions), PutItem WHEVENT#/WHDELIVERY# (conditional);
 * - webhook sender: BatchGetItem of PARTNER#/WHDELIVERY#/WHEVENT# (and SUPPRESSED# for the email),
 *   UpdateItem of WHDELIVERY# and PARTNER# (the subscription's health), GetItem/Query PARTNER# (the
 *   profile and its confirmed contacts, for the disabled-webhook email).
 */
export class WebhookConsumers extends Construct {
  readonly events: AppFunction;
  readonly sender: AppFunction;
  readonly stream: StreamConsumer;
  readonly queue: DurableQueue;

  constructor(scope: Construct, id: string, props: WebhookConsumersProps) {
    super(scope, id);
    this.events = new AppFunction(this, 'Events', {
      entry: 'functions/webhook-events/handler.ts',
      description: 'Stream: turns each lead change into a lead.* webhook event and queues its deliveries.',
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    this.sender = new AppFunction(this, 'Sender', {
      entry: 'functions/webhook-sender/handler.ts',
      description: 'Queue: POSTs signed webhook events to partner endpoints (SSRF-safe), logs and retries.',
      timeout: Duration.seconds(queueDefinitions.webhooks.consumerTimeoutSeconds),
      environment: {
        ...props.environment,
        WEBHOOK_RETRY_SCHEDULE: props.retrySchedule,
        EMAIL_QUEUE_URL: props.emails.queue.queueUrl,
      },
    });
    this.queue = new DurableQueue(this, 'Deliveries', {
      definition: queueDefinitions.webhooks,
      consumer: this.sender,
      alarmTopic: props.alarmTopic,
    });
    for (const fn of [this.events, this.sender])
      fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queue.queueUrl);
    // The events consumer queues first attempts; the sender queues the next ones (and long waits' next stretch).
    this.queue.grantSend(this.events);
    this.queue.grantSend(this.sender);
    props.emails.grantSend(this.sender);

    // Exactly what lib/function-grants.ts lists for each (and the local runtime enforces).
    grantTableAccess(this.events, 'webhook-events', props.table);
    grantTableAccess(this.sender, 'webhook-sender', props.table);

    this.stream = new StreamConsumer(this, 'EventsStream', {
      table: props.table,
      fn: this.events,
      filters: consumerFilters.webhookEvents,
      // A record fails here only while the table or the queue cannot be reached: retried for the
      // stream's whole day rather than set aside (as the notifier's).
      retryAttempts: 10_000,
      alarmTopic: props.alarmTopic,
    });
    acknowledgeListStreams(this.events);
  }
}
