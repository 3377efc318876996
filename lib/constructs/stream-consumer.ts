import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FilterPattern } from '../../functions/stream/filters.js';
import { alarmAbove, deadLettersAlarm, errorsAlarm } from './alarms.js';

/** The age of the oldest unprocessed record beyond which a consumer counts as stuck or falling behind. */
const ITERATOR_AGE_LIMIT = Duration.minutes(15);

export interface StreamConsumerProps {
  /** The table whose stream is read; it must have a stream. */
  table: ITable;
  /** The function the records go to; it must answer with partial batch responses (Powertools BatchProcessor). */
  fn: IFunction;
  /** Lambda filter patterns: only records matching one of them invoke the function (and are billed). */
  filters: readonly FilterPattern[];
  /** Records per invocation. @default 100 */
  batchSize?: number;
  /** Where the alarms go. */
  alarmTopic?: ITopic;
  /** Retries of a failing record before it goes to the on-failure queue. @default 5 */
  retryAttempts?: number;
}

/**
 * An alarmed DynamoDB stream consumer: an event-source mapping with partial batch responses,
 * bisection and bounded retries, an encrypted SQS on-failure destination, and alarms on the
 * destination's depth, the function's errors and its iterator age. Nothing fails silently.
 */
export class StreamConsumer extends Construct {
  /** Receives a pointer (shard, sequence numbers) to every batch that still failed after the retries. */
  readonly deadLetterQueue: Queue;
  readonly eventSource: DynamoEventSource;
  readonly alarms: { deadLetters: Alarm; errors: Alarm; iteratorAge: Alarm };

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    if (!props.table.tableStreamArn) {
      throw new Error(`${this.node.path}: table ${props.table.node.path} has no stream ARN`);
    }

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // cdk-nag SQS3 wants every queue to have a DLQ unless it is one; its check only recognises
    // redrive policies and function DeadLetterConfigs, not an event-source mapping's on-failure destination.
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue IS the dead-letter destination (the event-source mapping's OnFailure) of a stream consumer; nothing consumes it automatically, so a further DLQ would have nothing to catch.",
    });

    this.eventSource = new DynamoEventSource(props.table, {
      // A new consumer starts with what the stream still holds (24 h) rather than only what comes next.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: Duration.seconds(1),
      // The handler names the records that failed; only those (and what follows them) are retried.
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: Duration.days(1),
      // Records of one partition key still arrive in order; different leads are processed side by side.
      parallelizationFactor: 2,
      filters: props.filters.map((pattern) => FilterCriteria.filter(pattern)),
      onFailure: new SqsDlq(this.deadLetterQueue),
    });
    props.fn.addEventSource(this.eventSource);

    this.alarms = {
      deadLetters: deadLettersAlarm(
        this,
        'DeadLettersAlarm',
        this.deadLetterQueue,
        `${props.fn.node.path}: stream records failed every retry. The messages point at the shard and sequence numbers to replay.`,
        props.alarmTopic,
      ),
      errors: errorsAlarm(this, 'ErrorsAlarm', props.fn, props.alarmTopic),
      iteratorAge: alarmAbove(this, 'IteratorAgeAlarm', {
        metric: props.fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: ITERATOR_AGE_LIMIT.toMilliseconds(),
        description: `${props.fn.node.path}: the oldest unprocessed stream record is over ${ITERATOR_AGE_LIMIT.toMinutes()} minutes old; the consumer is stuck or falling behind.`,
        ...(props.alarmTopic ? { topic: props.alarmTopic } : {}),
      }),
    };
  }
}

/**
 * Acknowledges, on a stream consumer's role, the one wildcard its event source brings:
 * dynamodb:ListStreams, which has no resource-level permissions.
 */
export function acknowledgeListStreams(fn: IFunction): void {
  if (!fn.role) return;
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only dynamodb:ListStreams (granted by the DynamoDB event source for the Lambda stream poller) is on *: the action supports no resource-level permissions and lists stream ARNs, never items. Every other statement names its resource.',
  });
}
