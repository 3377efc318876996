/**
 * Alarms that reach a person (SPEC §11), proved on the synthesised stack: no synth without an alarm
 * address, an email subscription to it, an alarm on everything §11 lists, each notifying the topic,
 * and a dashboard with every metric the functions emit. Synthesised without bundling.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { tableDefinition } from '../../functions/adapters/dynamodb/table-definition.js';
import { routeList } from '../../functions/http/routes.js';
import { metricDefinitions } from '../../functions/shared/metric-names.js';
import { definePartnerReferrals } from '../../lib/partner-referrals.js';
import type { StatelessStack } from '../../lib/stateless-stack.js';

const ALARM_EMAIL = 'ops@partner-referrals.example';
const appWith = (context: Record<string, unknown>) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });

type AlarmResource = { Properties: Record<string, unknown> };

let stateless: StatelessStack;
let template: Template;
let alarms: AlarmResource[];
let topicRef: { Ref: string };

beforeAll(() => {
  ({ stateless } = definePartnerReferrals(appWith({ alarmEmail: ALARM_EMAIL }), { prefix: '' }));
  template = Template.fromStack(stateless);
  alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as AlarmResource[];
  topicRef = { Ref: stateless.getLogicalId(stateless.alarmTopic.node.defaultChild as CfnTopic) };
}, 120_000);

const logicalIdOf = (alarm: { node: { defaultChild?: unknown } }) =>
  stateless.getLogicalId(alarm.node.defaultChild as CfnAlarm);
const alarmOf = (alarm: { node: { defaultChild?: unknown } }) =>
  template.toJSON().Resources[logicalIdOf(alarm)] as AlarmResource;
const metricNamesOf = (alarm: AlarmResource) =>
  JSON.stringify(alarm.Properties).match(/"MetricName":"[^"]+"/g) ?? [];

describe('the alarm address', () => {
  it('is required: without it the synth stops and says how to give it', () => {
    expect(() => definePartnerReferrals(appWith({}), { prefix: '' })).toThrow(
      /context alarmEmail is required: .*-c alarmEmail=/,
    );
  });

  it('must be an email address', () => {
    expect(() => definePartnerReferrals(appWith({ alarmEmail: 'ops' }), { prefix: '' })).toThrow(
      'context alarmEmail must be an email address',
    );
  });

  it('is subscribed to the alarm topic by email', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: ALARM_EMAIL,
      TopicArn: topicRef,
    });
  });
});

describe('alarms', () => {
  it('every alarm tells the topic when it fires and when it clears', () => {
    expect(alarms.length).toBeGreaterThan(routeList.length);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [topicRef], OKActions: [topicRef] });
    }
  });

  it("watch every HTTP function's errors", () => {
    const { httpErrors } = stateless.observability.alarms;
    // The routes' functions and the $default route's.
    expect([...httpErrors.keys()].sort()).toEqual([...routeList.map((r) => r.name), 'no-route'].sort());
    for (const alarm of httpErrors.values()) {
      expect(alarmOf(alarm).Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Threshold: 0,
      });
    }
  });

  it('watch the API 5xx rate and 429 rate, the 429s counted from the access log', () => {
    const { api5xxRate, api429Rate } = stateless.observability.alarms;
    expect(JSON.stringify(alarmOf(api5xxRate).Properties.Metrics)).toContain('"MetricName":"5xx"');
    expect(JSON.stringify(alarmOf(api5xxRate).Properties.Metrics)).toContain('100 * serverErrors / requests');
    expect(JSON.stringify(alarmOf(api429Rate).Properties.Metrics)).toContain('"MetricName":"ApiThrottled"');
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'ApiThrottled', MetricValue: '1' })],
    });
  });

  it('watch DynamoDB throttling on the table and every index', () => {
    const metrics = JSON.stringify(
      alarmOf(stateless.observability.alarms.dynamoThrottles).Properties.Metrics,
    );
    expect(metrics).toContain('ReadThrottleEvents');
    for (const index of tableDefinition.indexes) expect(metrics).toContain(`"${index.name}"`);
  });

  it('watch the SES bounce and complaint rates below the levels SES reviews an account at', () => {
    const { sesBounceRate, sesComplaintRate } = stateless.observability.alarms;
    expect(alarmOf(sesBounceRate).Properties).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
    });
    expect(alarmOf(sesBounceRate).Properties.Threshold).toBeLessThan(0.05);
    expect(alarmOf(sesComplaintRate).Properties).toMatchObject({ MetricName: 'Reputation.ComplaintRate' });
    expect(alarmOf(sesComplaintRate).Properties.Threshold).toBeLessThan(0.001);
  });

  it('watch dead letters, stream iterator age, the oldest queued email and every worker’s errors', () => {
    const names = alarms.flatMap(metricNamesOf);
    expect(
      names.filter((n) => n.includes('ApproximateNumberOfMessagesVisible')).length,
    ).toBeGreaterThanOrEqual(6);
    expect(names.filter((n) => n.includes('IteratorAge'))).toHaveLength(5);
    expect(names.filter((n) => n.includes('ApproximateAgeOfOldestMessage'))).toHaveLength(3);
    // Every function: the routes, the $default route's, five stream consumers, three queue consumers,
    // the reconciler, the sender routes' authorizer, and the stateful stack's pre-token trigger (a
    // failing one fails every sign-in).
    expect(names.filter((n) => n === '"MetricName":"Errors"')).toHaveLength(routeList.length + 12);
  });
});

describe('dashboard', () => {
  it('graphs every metric the functions emit, the API, the table, the queues and every alarm', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const name of Object.keys(metricDefinitions))
      expect(body).toContain(`MetricName=\\\\\\"${name}\\\\\\"`);
    for (const metric of ['5xx', 'Latency', 'WriteThrottleEvents', 'IteratorAge', 'Reputation.BounceRate']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('"type\\":\\"alarm\\"');
  });
});
