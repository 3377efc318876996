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
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSetEventDestination,
  EmailSendingEvent,
  EventDestination,
  type IConfigurationSet,
  type IEmailIdentity,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct, IConstruct } from 'constructs';
import { EMAIL_MARKER_PREFIX } from '../functions/adapters/dynamodb/keys.js';
import { SENDER_SCOPE } from '../functions/http/auth.js';
import { type Route, routeList } from '../functions/http/routes.js';
import { queueDefinitions } from '../functions/queue/definitions.js';
import { defaults } from '../functions/shared/defaults.js';
import { consumerFilters } from '../functions/stream/filters.js';
import { errorsAlarm } from './constructs/alarms.js';
import { AppFunction } from './constructs/app-function.js';
import { consoleCors } from './constructs/console-hosting.js';
import { DurableQueue } from './constructs/durable-queue.js';
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
  /** Sends the queued emails through SES. */
  readonly emailSender: AppFunction;
  /** Records SES bounces and complaints as suppressions. */
  readonly sesEvents: AppFunction;
  /** The durable queues: emails waiting to be sent, SES events waiting to be recorded. */
  readonly queues: { emails: DurableQueue; sesEvents: DurableQueue };
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
      RECONCILE_GRACE: durationContext(this, 'reconcileGrace', defaults.RECONCILE_GRACE),
      REMINDER_RETRY: durationContext(this, 'reminderRetry', defaults.REMINDER_RETRY),
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
      // Only a public route that touches no data, or says why it needs no token, is acknowledged;
      // anything else must face cdk-nag.
      if (route.access === 'public' && (route.data === 'none' || route.publicBecause)) {
        Validations.of(httpRoute!).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} (${route.summary}) is public by specification: ${route.publicBecause ?? 'it reads no data.'}`,
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

    this.emailSender = new AppFunction(this, 'EmailSender', {
      entry: 'functions/email-sender/handler.ts',
      description: 'Queue: sends the queued emails through SES v2, once each, with backoff.',
      timeout: Duration.seconds(queueDefinitions.emails.consumerTimeoutSeconds),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        TABLE_NAME: props.table.tableName,
        MAIL_FROM: props.mailFrom,
        SES_CONFIGURATION_SET: props.configurationSet.configurationSetName,
      },
    });
    const emails = new DurableQueue(this, 'Emails', {
      definition: queueDefinitions.emails,
      consumer: this.emailSender,
      alarmTopic: this.alarmTopic,
    });
    this.emailSender.addEnvironment('EMAIL_QUEUE_URL', emails.queue.queueUrl);
    // The exactly-once markers only (partition keys EMAIL#…), a batch at a time: BatchGetItem before
    // sending, BatchWriteItem after. It cannot read, change or delete a lead, a contact or anything else.
    this.emailSender.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${EMAIL_MARKER_PREFIX}*`] } },
      }),
    );

    // SES v2 authorises SendEmail against the sending identity AND the configuration set named in
    // the call, so both ARNs, and nothing else; Simple content needs no ses:SendRawEmail.
    this.emailSender.addToRolePolicy(
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

    this.notifier = new AppFunction(this, 'Notifier', {
      entry: 'functions/notifier/handler.ts',
      description:
        'Stream: queues lead received, declined, expired and reminder emails, and contact confirmation links.',
      timeout: Duration.seconds(60),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...tableEnvironment,
        EMAIL_QUEUE_URL: emails.queue.queueUrl,
        // Confirmation links point at the API's public confirm route.
        PUBLIC_API_URL: stage.url,
        CHOOSE_PARTNER_URL: stringContext(this, 'choosePartnerUrl', defaults.CHOOSE_PARTNER_URL),
        PARTNER_CONSOLE_URL: stringContext(this, 'partnerConsoleUrl', defaults.PARTNER_CONSOLE_URL),
      },
    });
    // Reads profiles, contacts, senders and suppressions; writes contacts, confirmation tokens and markers.
    this.grantTable(this.notifier, props.table, 'write');
    emails.grantSend(this.notifier);

    this.sesEvents = new AppFunction(this, 'SesEvents', {
      entry: 'functions/ses-events/handler.ts',
      description:
        'Queue: suppresses addresses that hard-bounced or complained (SES events via EventBridge).',
      timeout: Duration.seconds(queueDefinitions.sesEvents.consumerTimeoutSeconds),
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, TABLE_NAME: props.table.tableName },
    });
    const sesEvents = new DurableQueue(this, 'SesEventsQueue', {
      definition: queueDefinitions.sesEvents,
      consumer: this.sesEvents,
      alarmTopic: this.alarmTopic,
    });
    this.sesEvents.addEnvironment('SES_EVENTS_QUEUE_URL', sesEvents.queue.queueUrl);
    // One UpdateItem per suppressed address.
    this.grantItemActions(this.sesEvents, props.table, ['dynamodb:UpdateItem']);
    // SES publishes the configuration set's bounces and complaints to the default event bus; a rule
    // puts them on the durable queue (and what EventBridge cannot deliver on its dead-letter queue).
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');
    new ConfigurationSetEventDestination(this, 'SesFeedbackDestination', {
      configurationSet: props.configurationSet,
      destination: EventDestination.eventBus(defaultBus),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    new Rule(this, 'SesFeedbackRule', {
      description: 'SES hard bounces and complaints of the notifications, to the SES events queue.',
      eventBus: defaultBus,
      eventPattern: { source: ['aws.ses'], detailType: ['Email Bounced', 'Email Complaint Received'] },
      targets: [
        new SqsQueue(sesEvents.queue, {
          deadLetterQueue: sesEvents.deadLetterQueue,
          maxEventAge: Duration.hours(24),
          retryAttempts: 185,
        }),
      ],
    });
    this.queues = { emails, sesEvents };

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
        batchSize: 25,
        // A record fails here only while the queue or the table cannot be reached: retried until it is
        // a day old (the stream's own limit) rather than set aside as a pointer that outlives nothing.
        // A poison record holds its shard meanwhile, and the iterator-age alarm says so in 15 minutes.
        retryAttempts: 10_000,
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
    // Every minute: a lead whose TTL timer lags stays recorded as open at most RECONCILE_GRACE plus
    // one interval plus one run past its deadline (README, "The reconciler"); a run that finds
    // nothing is one Query per shard, so the short interval costs next to nothing.
    const every = minutesContext(this, 'reconcileEveryMinutes', 1);
    new Rule(this, 'ReconcileSchedule', {
      description: `Runs the expiry reconciler every ${every === 1 ? 'minute' : `${every} minutes`}.`,
      schedule: Schedule.rate(Duration.minutes(every)),
      targets: [new LambdaFunction(this.reconciler)],
    });
    errorsAlarm(this, 'ReconcilerErrorsAlarm', this.reconciler, this.alarmTopic);

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'EmailDeadLettersUrl', {
      description: 'npm run dlq -- list|redrive --queue-url <this>',
      value: emails.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'SesEventsDeadLettersUrl', {
      description: 'npm run dlq -- list|redrive --queue ses-events --queue-url <this>',
      value: sesEvents.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  private routeFunction(route: Route, props: StatelessStackProps, tableEnvironment: Record<string, string>) {
    const cursor = route.cursor === true;
    const fn = new AppFunction(this, pascalCase(route.name), {
      entry: `functions/${route.name}/handler.ts`,
      description: `${route.method} ${route.path}: ${route.summary}`,
      // A cold start is a caller waiting: the map is read at the first logged error instead.
      sourceMapsAtLoad: false,
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

  /** Exactly these item actions on the table itself (no index, so no wildcard). */
  private grantItemActions(fn: AppFunction, table: ITable, actions: string[]) {
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
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
