import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../../functions/queue/definitions.js';
import { alarmAbove, deadLettersAlarm, errorsAlarm } from './alarms.js';

export interface DurableQueueProps {
  /** The shared definition (functions/queue/definitions.ts) the local runtime builds its queue from too. */
  definition: QueueDefinition;
  /**
   * The consumer; it must answer with partial batch responses and set each failed message's
   * retry delay (functions/queue/consumer.ts does both).
   */
  consumer: IFunction;
  alarmTopic?: ITopic;
}

/**
 * A durable work queue: an encrypted, TLS-only SQS queue whose messages hold the whole work item,
 * a dead-letter queue that keeps what failed `maxReceives` times (with the whole message, for a
 * redrive), the consumer's event-source mapping with partial batch responses, and alarms on the
 * dead letters, the consumer's errors and the age of the oldest message.
 */
export class DurableQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly eventSource: SqsEventSource;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; oldestMessage: Alarm };

  constructor(scope: Construct, id: string, props: DurableQueueProps) {
    super(scope, id);
    const { definition } = props;
    // A FIFO queue's dead-letter queue must be FIFO too.
    const fifo = definition.fifo
      ? {
          fifo: true,
          deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
          fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        }
      : {};
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      ...(definition.fifo ? { fifo: true } : {}),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS counts retention from the first enqueue: longer than the source's, or dead letters die on arrival.
      retentionPeriod: Duration.days(definition.deadLetterRetentionDays),
    });
    this.queue = new Queue(this, 'Queue', {
      // High-throughput FIFO: deduplication and ordering per message group, not per queue.
      ...fifo,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.backoff.maxReceives },
    });

    // Grants the mapping what it needs (receive, delete, attributes) and the consumer's ChangeMessageVisibility.
    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: definition.batchSize,
      reportBatchItemFailures: true,
      // Bounds the pressure on what the consumer calls (SES, partner endpoints).
      maxConcurrency: definition.maxConcurrency,
    });
    props.consumer.addEventSource(this.eventSource);

    const topic = props.alarmTopic ? { topic: props.alarmTopic } : {};
    this.alarms = {
      deadLetters: deadLettersAlarm(
        this,
        'DeadLettersAlarm',
        this.deadLetterQueue,
        `${this.node.path}: ${definition.holds} failed every retry and wait in the dead-letter queue with their whole message. Read them with \`npm run dlq -- list\`, fix the cause, then \`npm run dlq -- redrive\`.`,
        props.alarmTopic,
      ),
      errors: errorsAlarm(this, 'ConsumerErrorsAlarm', props.consumer, props.alarmTopic),
      oldestMessage: alarmAbove(this, 'OldestMessageAlarm', {
        metric: this.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: definition.maxAgeSeconds,
        description: `${this.node.path}: the oldest of the ${definition.holds} has waited over ${Math.round(definition.maxAgeSeconds / 60)} minutes: the consumer is failing (is SES down or paused?) or falling behind.`,
        ...topic,
      }),
    };
  }

  /** Lets a producer put messages on the queue: sqs:SendMessage and nothing else. */
  grantSend(grantee: IGrantable): void {
    this.queue.grant(grantee, 'sqs:SendMessage');
  }
}
