/**
 * The code: one Lambda function per entry of the route table behind an HTTP API whose JWT
 * authorizer trusts only the stateful stack's user pool; the stream consumers (archiver, notifier)
 * and the scheduled reconciler; and the alarms on them. Safe to destroy and redeploy.
 */
import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct, IConstruct } from 'constructs';
import { SENDER_SCOPE } from '../functions/http/auth.js';
import { type Route, routeList } from '../functions/http/routes.js';
import { defaults } from '../functions/shared/defaults.js';
import { consumerFilters } from '../functions/stream/filters.js';
import { errorsAlarm } from './constructs/alarms.js';
import { AppFunction } from './constructs/app-function.js';
import { consoleCors } from './constructs/console-hosting.js';
import { InsightsConsumers } from './constructs/insights-consumers.js';
import { acknowledgeListStreams, StreamConsumer } from './constructs/stream-consumer.js';
import { durationContext, minutesContext, pascalCase, stringContext } from './context.js';

const SERVICE_NAME = 'partner-referrals';

/** What the stateless stack takes from the stateful one. */
export interface StatelessStackProps extends StackProps {
  table: ITable;
  userPool: UserPool;
  /** App clients whose access tokens the API accepts (partner users and sender systems). */
  clients: IUserPoolClient[];
  cursorSecret: ISecret;
  /** The verified SES identity the notifier sends from. */
  emailIdentity: IEmailIdentity;
  /** The SES configuration set every notification is sent with. */
  configurationSet: IConfigurationSet;
  /** The From header, an address on the identity's domain. */
  mailFrom: string;
  /** The partner console's origin: the only one the API's CORS allows. */
  consoleOrigin?: string;
}

/** The HTTP API and its functions, built from the route table; the stream consumers, reconciler and alarms. */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  /** The function serving each route, by route name. */
  readonly functions: ReadonlyMap<string, AppFunction>;
  /** Archives a lead when TTL deletes its expiry timer. */
  readonly archiver: AppFunction;
  /** Emails what the stream's lead changes announce. */
  readonly notifier: AppFunction;
  /** The scheduled backstop of expiry and reminders. */
  readonly reconciler: AppFunction;
  readonly consumers: { archiver: StreamConsumer; notifier: StreamConsumer };
  /** The insights aggregator and the search indexer. */
  readonly insights: InsightsConsumers;
  /** Every alarm of this stack notifies it (subscribe with context `alarmEmail`, or by hand). */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong on purpose: CloudFormation then refuses to delete the table or user pool while the API uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    const tableEnvironment = {
      TABLE_NAME: props.table.tableName,
      LEAD_RESPONSE_WINDOW: durationContext(this, 'leadResponseWindow', defaults.LEAD_RESPONSE_WINDOW),
      CONTACT_NOW_WINDOW: durationContext(this, 'contactNowWindow', defaults.CONTACT_NOW_WINDOW),
      REMINDER_BEFORE: durationContext(this, 'reminderBefore', defaults.REMINDER_BEFORE),
    };

    this.api = new HttpApi(this, 'Api', {
      description: 'Partner referrals API (v1).',
      // The default stage is declared below: HttpApi's own cannot carry throttling or access logs.
      createDefaultStage: false,
      ...(props.consoleOrigin ? { corsPreflight: consoleCors(props.consoleOrigin) } : {}),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Every route inherits these: a runaway caller meets 429s long before the account-wide limit,
      // which this API shares with everything else in the account and region.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Who called what and how it went; never headers or bodies, which carry customer data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sourceIp: '$context.identity.sourceIp',
            clientId: '$context.authorizer.claims.client_id',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const jwt = new HttpJwtAuthorizer('Jwt', props.userPool.userPoolProviderUrl, {
      jwtAudience: props.clients.map((client) => client.userPoolClientId),
    });
    const none = new HttpNoneAuthorizer();

    const functions = new Map<string, AppFunction>();
    for (const route of routeList) {
      const fn = this.routeFunction(route, props, tableEnvironment);
      functions.set(route.name, fn);
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.name)}Integration`, fn),
        ...authorizationOf(route, jwt, none),
      });
      // Only a public route that touches no data is acknowledged; anything else must face cdk-nag.
      if (route.access === 'public' && route.data === 'none') {
        Validations.of(httpRoute!).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} (${route.summary}) is public by specification and reads no data.`,
        });
      }
    }
    this.functions = functions;

    // Alarm messages name the alarm, metric and threshold, never lead data, so the topic needs no
    // KMS key (an AWS-managed SNS key would not even let CloudWatch publish); publishing needs TLS.
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Partner referrals alarms',
      enforceSSL: true,
    });
    const alarmEmail = stringContext(this, 'alarmEmail');
    if (alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));

    this.archiver = new AppFunction(this, 'Archiver', {
      entry: 'functions/archiver/handler.ts',
      description: 'Stream: archives a received lead as expired when TTL deletes its expiry timer.',
      timeout: Duration.seconds(30),
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
    });
    // One conditional UpdateItem on the lead; the transition's history entry is appended in the same write.
    this.grantTable(this.archiver, props.table, 'write');

    this.notifier = new AppFunction(this, 'Notifier', {
      entry: 'functions/notifier/handler.ts',
      description: 'Stream: emails lead received, declined, expired and reminder notifications (SES v2).',
      timeout: Duration.seconds(60),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...tableEnvironment,
        MAIL_FROM: props.mailFrom,
        SES_CONFIGURATION_SET: props.configurationSet.configurationSetName,
        CHOOSE_PARTNER_URL: stringContext(this, 'choosePartnerUrl', defaults.CHOOSE_PARTNER_URL),
        PARTNER_CONSOLE_URL: stringContext(this, 'partnerConsoleUrl', defaults.PARTNER_CONSOLE_URL),
      },
    });
    // Reads profiles and senders; puts, updates and deletes the exactly-once delivery markers.
    this.grantTable(this.notifier, props.table, 'write');
    // SES v2 authorises SendEmail against the sending identity AND the configuration set named in
    // the call, so both ARNs, and nothing else; Simple content needs no ses:SendRawEmail.
    this.notifier.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          props.emailIdentity.emailIdentityArn,
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: props.configurationSet.configurationSetName,
          }),
        ],
      }),
    );

    this.consumers = {
      archiver: new StreamConsumer(this, 'ArchiverStream', {
        table: props.table,
        fn: this.archiver,
        filters: consumerFilters.archiver,
        alarmTopic: this.alarmTopic,
      }),
      notifier: new StreamConsumer(this, 'NotifierStream', {
        table: props.table,
        fn: this.notifier,
        filters: consumerFilters.notifier,
        // Each record may send an email; smaller batches stay well inside the timeout and SES's send rate.
        batchSize: 25,
        alarmTopic: this.alarmTopic,
      }),
    };
    // The event source grants dynamodb:ListStreams, which has no resource-level permissions.
    for (const consumer of [this.archiver, this.notifier]) acknowledgeListStreams(consumer);

    this.insights = new InsightsConsumers(this, 'Insights', {
      table: props.table,
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
      alarmTopic: this.alarmTopic,
    });

    this.reconciler = new AppFunction(this, 'Reconciler', {
      entry: 'functions/reconciler/handler.ts',
      description:
        'Schedule: archives overdue leads whose TTL timer has not fired yet, and marks due reminders.',
      timeout: Duration.minutes(2),
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
    });
    // Queries gsi3/gsi4, then the same conditional UpdateItem the archiver makes.
    this.grantTable(this.reconciler, props.table, 'write');
    // A failed run is not retried: the next scheduled run does the same work, and the alarm tells.
    this.reconciler.configureAsyncInvoke({ retryAttempts: 0 });
    const every = minutesContext(this, 'reconcileEveryMinutes', 15);
    new Rule(this, 'ReconcileSchedule', {
      description: `Runs the expiry reconciler every ${every} minutes.`,
      schedule: Schedule.rate(Duration.minutes(every)),
      targets: [new LambdaFunction(this.reconciler)],
    });
    errorsAlarm(this, 'ReconcilerErrorsAlarm', this.reconciler, this.alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  private routeFunction(route: Route, props: StatelessStackProps, tableEnvironment: Record<string, string>) {
    const cursor = route.cursor === true;
    const fn = new AppFunction(this, pascalCase(route.name), {
      entry: `functions/${route.name}/handler.ts`,
      description: `${route.method} ${route.path}: ${route.summary}`,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...(route.data === 'none' ? {} : tableEnvironment),
        ...(cursor ? { CURSOR_SECRET_ARN: props.cursorSecret.secretArn } : {}),
      },
    });
    // Least privilege from the route table: reads never get a write action.
    if (route.data !== 'none') this.grantTable(fn, props.table, route.data);
    if (cursor) props.cursorSecret.grantRead(fn);
    return fn;
  }

  /** Table read or read/write access, acknowledging the one wildcard the grant brings. */
  private grantTable(fn: AppFunction, table: ITable, access: 'read' | 'write') {
    if (access === 'read') table.grantReadData(fn);
    else table.grantReadWriteData(fn);
    // The grant adds <table ARN>/index/* so the function can query the table's GSIs: the wildcard
    // only ranges over index names of this one table.
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${importedName(this, table, table.tableArn)}/index/*]`,
      reason:
        "Queries the lead table's own GSIs; the wildcard only ranges over index names of this one table.",
    });
  }
}

/** Public routes explicitly open; every other route behind the JWT authorizer, senders also by scope. */
function authorizationOf(route: Route, jwt: HttpJwtAuthorizer, none: HttpNoneAuthorizer) {
  const authorizer: IHttpRouteAuthorizer = route.access === 'public' ? none : jwt;
  // API Gateway refuses a sender call without the scope before any function runs; the handler checks again.
  return route.access === 'sender' ? { authorizer, authorizationScopes: [SENDER_SCOPE] } : { authorizer };
}

/**
 * cdk-nag names a value from another stack by the export it is imported from. exportValue() returns
 * the import of the very export the automatic cross-stack reference uses, so its name is that name.
 */
export function importedName(consumer: Stack, producer: IConstruct, value: string): string {
  const imported = consumer.resolve(Stack.of(producer).exportValue(value)) as Record<string, unknown>;
  const name = imported['Fn::ImportValue'];
  if (typeof name !== 'string')
    throw new Error(`expected an Fn::ImportValue, got ${JSON.stringify(imported)}`);
  return name;
}
