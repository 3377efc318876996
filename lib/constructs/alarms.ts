import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** What an alarm watches, and whom it tells. */
export interface AboveAlarmProps {
  metric: IMetric;
  /** The alarm fires when one period's value is strictly above this. */
  threshold: number;
  description: string;
  /** Notified on ALARM and OK; without it the alarm only shows in CloudWatch. */
  topic?: ITopic;
}

/** An alarm that fires as soon as one period is above the threshold; no data counts as healthy. */
export function alarmAbove(scope: Construct, id: string, props: AboveAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    // Lambda and SQS publish nothing while idle; an idle consumer is a healthy one.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
  if (props.topic) {
    const action = new SnsAction(props.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}

/** Alarms on any invocation of the function ending in an error (a thrown handler, a timeout, a crash). */
export function errorsAlarm(scope: Construct, id: string, fn: IFunction, topic?: ITopic): Alarm {
  return alarmAbove(scope, id, {
    metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 0,
    description: `${fn.node.path}: at least one invocation failed in 5 minutes. Read its log group.`,
    ...(topic ? { topic } : {}),
  });
}

/** Alarms as soon as a dead-letter queue holds anything: each message there is work that failed every retry. */
export function deadLettersAlarm(
  scope: Construct,
  id: string,
  queue: IQueue,
  description: string,
  topic?: ITopic,
) {
  return alarmAbove(scope, id, {
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 0,
    description,
    ...(topic ? { topic } : {}),
  });
}
