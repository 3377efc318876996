import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableDefinition } from '../../functions/adapters/dynamodb/table-definition.js';
import {
  METRICS_NAMESPACE,
  type MetricDefinition,
  type MetricName,
  metricDefinitions,
} from '../../functions/shared/metric-names.js';
import { pascalCase } from '../context.js';
import { alarmAbove, errorsAlarm } from './alarms.js';

const FIVE_MINUTES = Duration.minutes(5);
/** Below this many requests in five minutes a rate says nothing (one 5xx in three requests is not 33 %). */
const MIN_REQUESTS_FOR_A_RATE = 20;

/** The alarm thresholds (SPEC §11), in one place: the README's table quotes them. */
export const thresholds = {
  /** Per cent of API requests answered 5xx in five minutes: any 5xx is a bug; this is a burst of them. */
  api5xxPercent: 1,
  /** Per cent answered 429 in five minutes: stage throttling or per-client limits biting many callers. */
  api429Percent: 5,
  /** SES reviews an account at a 5 % bounce rate and 0.1 % complaint rate: we want to hear before that. */
  sesBounceRate: 0.04,
  sesComplaintRate: 0.0008,
} as const;

export interface ObservabilityProps {
  api: HttpApi;
  /** The stage's JSON access logs (status as a string field `status`). */
  accessLogs: ILogGroup;
  table: ITable;
  /** The HTTP functions, by route name: each gets an errors alarm here. */
  httpFunctions: ReadonlyMap<string, IFunction>;
  /** Every other function, by name (their errors alarms come with their consumer constructs). */
  workers: ReadonlyMap<string, IFunction>;
  /** Functions with no construct of ours to alarm on them (another stack's): errors alarms here. */
  alarmedWorkers: ReadonlyMap<string, IFunction>;
  /** The durable and on-failure queues, by a short name, for the dashboard. */
  queues: ReadonlyMap<string, { queue: IQueue; deadLetters: IQueue }>;
  /** The stream consumers' functions, for the iterator-age graph. */
  streamConsumers: ReadonlyMap<string, IFunction>;
  /** Alarms made elsewhere (dead letters, iterator age, consumer errors): shown on the dashboard. */
  otherAlarms: readonly Alarm[];
  topic: ITopic;
}

/**
 * What reaches a person (SPEC §11): the alarms nobody else makes, on the alarm topic, and one
 * CloudWatch dashboard with the API, the business metrics (EMF, functions/shared/metrics.ts), the
 * functions, the table, the queues, the streams, SES and every alarm's state.
 * - API: 5xx rate and 429 rate (429s counted from the access log, which sees stage throttling and
 *   the functions' own limits alike);
 * - every HTTP function's errors;
 * - DynamoDB throttling on the table and each index;
 * - SES bounce and complaint rates (account reputation metrics).
 */
export class Observability extends Construct {
  readonly alarms: {
    api5xxRate: Alarm;
    api429Rate: Alarm;
    httpErrors: Map<string, Alarm>;
    dynamoThrottles: Alarm;
    sesBounceRate: Alarm;
    sesComplaintRate: Alarm;
  };
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { api, table, topic } = props;

    const requests = api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const serverErrors = api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const throttledFilter = new MetricFilter(this, 'Api429Filter', {
      logGroup: props.accessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'ApiThrottled',
      metricValue: '1',
      defaultValue: 0,
    });
    const throttled = throttledFilter.metric({ period: FIVE_MINUTES, statistic: 'Sum' });
    // `id` names the part in the expression; two rates on one graph need two names.
    const rate = (part: IMetric, id: string, label: string) =>
      new MathExpression({
        expression: `IF(requests >= ${MIN_REQUESTS_FOR_A_RATE}, 100 * ${id} / requests, 0)`,
        usingMetrics: { [id]: part, requests },
        period: FIVE_MINUTES,
        label,
      });

    const httpErrors = new Map<string, Alarm>();
    for (const [name, fn] of props.httpFunctions) {
      httpErrors.set(name, errorsAlarm(this, `HttpErrors${pascalCase(name)}`, fn, topic));
    }
    const workerErrors = [...props.alarmedWorkers].map(([name, fn]) =>
      errorsAlarm(this, `Errors${pascalCase(name)}`, fn, topic),
    );

    // Table-level read and write throttles, and each index's write throttles (an index that cannot
    // keep up throttles the table's writes): eight metrics, within an alarm's limit of ten.
    const dynamo = (metricName: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        period: FIVE_MINUTES,
        statistic: 'Sum',
      });
    const throttleMetrics: Record<string, IMetric> = {
      reads: dynamo('ReadThrottleEvents'),
      writes: dynamo('WriteThrottleEvents'),
    };
    tableDefinition.indexes.forEach((index, i) => {
      throttleMetrics[`index${i}`] = dynamo('WriteThrottleEvents', index.name);
    });
    const throttles = new MathExpression({
      expression: Object.keys(throttleMetrics).join(' + '),
      usingMetrics: throttleMetrics,
      period: FIVE_MINUTES,
      label: 'DynamoDB throttled requests',
    });

    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });

    this.alarms = {
      api5xxRate: alarmAbove(this, 'Api5xxRateAlarm', {
        metric: rate(serverErrors, 'serverErrors', '5xx %'),
        threshold: thresholds.api5xxPercent,
        description: `Over ${thresholds.api5xxPercent} % of API requests answered 5xx in 5 minutes (with at least ${MIN_REQUESTS_FOR_A_RATE} requests). No input should yield a 5xx: read the HTTP functions' errors alarms and logs.`,
        topic,
      }),
      api429Rate: alarmAbove(this, 'Api429RateAlarm', {
        metric: rate(throttled, 'throttled', '429 %'),
        threshold: thresholds.api429Percent,
        description: `Over ${thresholds.api429Percent} % of API requests answered 429 in 5 minutes: stage throttling or per-client limits are refusing callers. Read the access log's clientId to see who.`,
        topic,
      }),
      httpErrors,
      dynamoThrottles: alarmAbove(this, 'DynamoThrottlesAlarm', {
        metric: throttles,
        threshold: 0,
        description:
          'DynamoDB throttled requests on the lead table or one of its indexes in 5 minutes: the SDK retries, but a hot partition or an account limit is close.',
        topic,
      }),
      sesBounceRate: alarmAbove(this, 'SesBounceRateAlarm', {
        metric: ses('Reputation.BounceRate'),
        threshold: thresholds.sesBounceRate,
        description: `The SES account's bounce rate is over ${thresholds.sesBounceRate * 100} % (SES reviews the account at 5 %): who is being mailed that should not be?`,
        topic,
      }),
      sesComplaintRate: alarmAbove(this, 'SesComplaintRateAlarm', {
        metric: ses('Reputation.ComplaintRate'),
        threshold: thresholds.sesComplaintRate,
        description: `The SES account's complaint rate is over ${thresholds.sesComplaintRate * 100} % (SES reviews the account at 0.1 %).`,
        topic,
      }),
    };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
    });
    const business = (name: MetricName) => {
      const definition: MetricDefinition = metricDefinitions[name];
      // A SEARCH finds every value of the metric's dimension without the stack naming them.
      return new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service${definition.dimension ? `,${definition.dimension}` : ''}} MetricName="${name}"', 'Sum', 300)`,
        label: name,
        period: FIVE_MINUTES,
      });
    };
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6, period: FIVE_MINUTES });
    const allFunctions = [...props.httpFunctions, ...props.workers];
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Partner Referrals\nAPI, leads, email, functions, table, queues and streams. Alarms mail the alarm topic; the README says what each means.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('API requests and errors', [
        requests,
        api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        serverErrors,
        throttled,
      ]),
      graph('API error rates (%)', [
        rate(serverErrors, 'serverErrors', '5xx %'),
        rate(throttled, 'throttled', '429 %'),
      ]),
      graph('API latency p99 (ms)', [api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' })]),
    );
    this.dashboard.addWidgets(
      graph('Leads received and answered', [business('LeadsReceived'), business('LeadsAnswered')]),
      graph('Leads expired, by path', [business('LeadsExpired')]),
      graph('Emails queued, sent, suppressed', [
        business('EmailsQueued'),
        business('EmailsSent'),
        business('AddressesSuppressed'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        allFunctions.map(([name, fn]) =>
          fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: name }),
        ),
        12,
      ),
      graph('Failed records and messages, by consumer', [business('RecordsFailed')], 12),
    );
    this.dashboard.addWidgets(graph('Webhook attempts, by result', [business('WebhookAttempts')], 24));
    this.dashboard.addWidgets(
      graph('DynamoDB throttles', [throttles]),
      graph('Queue depth', [
        ...[...props.queues].flatMap(([name, { queue, deadLetters }]) => [
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: name }),
          deadLetters.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            label: `${name} dead letters`,
          }),
        ]),
      ]),
      graph(
        'Stream iterator age (ms)',
        [...props.streamConsumers].map(([name, fn]) =>
          fn.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum', label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('SES reputation', [ses('Reputation.BounceRate'), ses('Reputation.ComplaintRate')]),
      new AlarmStatusWidget({
        title: 'Alarms',
        width: 16,
        height: 6,
        alarms: [
          this.alarms.api5xxRate,
          this.alarms.api429Rate,
          this.alarms.dynamoThrottles,
          this.alarms.sesBounceRate,
          this.alarms.sesComplaintRate,
          ...props.otherAlarms,
          ...workerErrors,
          ...httpErrors.values(),
        ],
      }),
    );
  }
}
