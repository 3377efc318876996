/**
 * The code: one Lambda function per entry of the route table behind an HTTP API whose JWT
 * authorizer trusts only the stateful stack's user pool, and one for its `$default` route (the 404
 * or 405 of a request no route takes); the stream consumers (archiver, notifier)
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
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
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
import { parseFairUseLimits } from '../functions/domain/fair-use.js';
import { routeKeysText } from '../functions/http/route-match.js';
import { type Route, routeList } from '../functions/http/routes.js';
import { queueDefinitions } from '../functions/queue/definitions.js';
import { defaults } from '../functions/shared/defaults.js';
import { consumerFilters } from '../functions/stream/filters.js';
import { errorsAlarm } from './constructs/alarms.js';
import { AppFunction } from './constructs/app-function.js';
import { consoleCors } from './constructs/console-hosting.js';
import { DurableQueue } from './constructs/durable-queue.js';
import { InsightsConsumers } from './constructs/insights-consumers.js';
import { Observability } from './constructs/observability.js';
import { acknowledgeListStreams, StreamConsumer } from './constructs/stream-consumer.js';
import { grantTableAccess } from './constructs/table-grants.js';
import { WebhookConsumers } from './constructs/webhook-consumers.js';
import {
  ConfigurationError,
  durationContext,
  minutesContext,
  pascalCase,
  requiredStringContext,
  stringContext,
} from './context.js';

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
  /** Functions of other stacks whose errors alarm here, on the alarm topic (the pre-token trigger). */
  alarmedFunctions?: ReadonlyMap<string, IFunction>;
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
  /** Webhooks: the events consumer, the delivery queue and its sender. */
  readonly webhooks: WebhookConsumers;
  /** The `$default` route's function: the 404 or 405 of a request no route takes. */
  readonly noRouteFunction: AppFunction;
  /** Verifies sender tokens for the sender routes, whatever their app client. */
  readonly senderAuthorizerFunction: AppFunction;
  /** Every alarm of this stack notifies it; context `alarmEmail` (required) is subscribed. */
  readonly alarmTopic: Topic;
  /** The API, table and SES alarms, the HTTP functions' errors alarms, and the dashboard. */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong on purpose: CloudFormation then refuses to delete the table or user pool while the API uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    // Alarms that reach nobody are not alarms (SPEC §11): an address is required to synthesise,
    // checked first so a synth without it stops before bundling every function.
    const alarmEmail = requiredStringContext(
      this,
      'alarmEmail',
      'the address the alarm topic mails, e.g. npx cdk deploy --all -c alarmEmail=ops@example.com (SNS asks it to confirm once)',
    );
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
      throw new ConfigurationError(`context alarmEmail must be an email address, not "${alarmEmail}"`);
    }

    const tableEnvironment = {
      TABLE_NAME: props.table.tableName,
      LEAD_RESPONSE_WINDOW: durationContext(this, 'leadResponseWindow', defaults.LEAD_RESPONSE_WINDOW),
      CONTACT_NOW_WINDOW: durationContext(this, 'contactNowWindow', defaults.CONTACT_NOW_WINDOW),
      REMINDER_BEFORE: durationContext(this, 'reminderBefore', defaults.REMINDER_BEFORE),
      RECONCILE_GRACE: durationContext(this, 'reconcileGrace', defaults.RECONCILE_GRACE),
      REMINDER_RETRY: durationContext(this, 'reminderRetry', defaults.REMINDER_RETRY),
      PII_RETENTION: durationContext(this, 'piiRetention', defaults.PII_RETENTION),
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
            // Sender routes: the client the sender authorizer verified (its context, not JWT claims).
            senderClientId: '$context.authorizer.client_id',
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
    // Sender routes take an access token of any app client of the pool, so a sender onboarded with
    // `npm run sender -- register` needs no change here (the JWT authorizer above only accepts the
    // client ids listed at synth). The handler then checks the scope and asks the sender directory.
    this.senderAuthorizerFunction = new AppFunction(this, 'SenderAuthorizer', {
      entry: 'functions/sender-authorizer/handler.ts',
      description:
        'Authorizer: verifies access tokens of the user pool for the sender routes, whatever their app client.',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        USER_POOL_ISSUER: props.userPool.userPoolProviderUrl,
      },
    });
    const senderAuthorizer = new HttpLambdaAuthorizer('SenderToken', this.senderAuthorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      // A verdict is kept a minute per token: a token may outlive its expiry by at most that.
      resultsCacheTtl: Duration.minutes(1),
    });

    // Per-client limits (SPEC §11 fair use) beside the stage's shared throttle; README "Fair use".
    const fairUseEnvironment = {
      FAIR_USE_WINDOW: durationContext(this, 'fairUseWindow', defaults.FAIR_USE_WINDOW),
      FAIR_USE_SENDER_LIMIT: stringContext(this, 'fairUseSenderLimit', defaults.FAIR_USE_SENDER_LIMIT),
      FAIR_USE_PARTNER_LIMIT: stringContext(this, 'fairUsePartnerLimit', defaults.FAIR_USE_PARTNER_LIMIT),
      FAIR_USE_OVERRIDES: stringContext(this, 'fairUseOverrides', defaults.FAIR_USE_OVERRIDES),
    };
    // A malformed limit fails the synth, not the first request.
    parseFairUseLimits({
      window: fairUseEnvironment.FAIR_USE_WINDOW,
      sender: fairUseEnvironment.FAIR_USE_SENDER_LIMIT,
      partner: fairUseEnvironment.FAIR_USE_PARTNER_LIMIT,
      overrides: fairUseEnvironment.FAIR_USE_OVERRIDES,
    });

    const functions = new Map<string, AppFunction>();
    for (const route of routeList) {
      const fn = this.routeFunction(route, props, tableEnvironment, fairUseEnvironment);
      functions.set(route.name, fn);
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.name)}Integration`, fn),
        authorizer: route.access === 'public' ? none : route.access === 'sender' ? senderAuthorizer : jwt,
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

    // Everything no route takes: without this route API Gateway answers `{"message":"Not Found"}`
    // for an unknown path and a wrong method alike; with it they answer as the local server does.
    this.noRouteFunction = new AppFunction(this, 'NoRoute', {
      entry: 'functions/no-route/handler.ts',
      description: '$default route: 404 not-found or 405 method-not-allowed, as problem+json.',
      memorySize: 256,
      timeout: Duration.seconds(3),
      kind: 'http',
      environment: {
        ROUTE_KEYS: routeKeysText(routeList),
        ...(props.consoleOrigin ? { CORS_PREFLIGHT: 'true' } : {}),
      },
    });
    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('NoRouteIntegration', this.noRouteFunction),
      authorizer: none,
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route answers only the 404 or 405 of a request no route takes (and CORS preflights): it reads no data and invokes no route.',
    });

    // Alarm messages name the alarm, metric and threshold, never lead data, so the topic needs no
    // KMS key (an AWS-managed SNS key would not even let CloudWatch publish); publishing needs TLS.
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Partner referrals alarms',
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
    errorsAlarm(this, 'SenderAuthorizerErrorsAlarm', this.senderAuthorizerFunction, this.alarmTopic);

    this.archiver = new AppFunction(this, 'Archiver', {
      entry: 'functions/archiver/handler.ts',
      description: 'Stream: archives a received lead as expired when TTL deletes its expiry timer.',
      timeout: Duration.seconds(30),
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
    });
    // One conditional UpdateItem on the lead; the transition's history entry is appended in the same write.
    grantTableAccess(this.archiver, 'archiver', props.table);

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
    grantTableAccess(this.emailSender, 'email-sender', props.table);

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
    grantTableAccess(this.notifier, 'notifier', props.table);
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
    grantTableAccess(this.sesEvents, 'ses-events', props.table);
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

    this.webhooks = new WebhookConsumers(this, 'Webhooks', {
      table: props.table,
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
      emails,
      alarmTopic: this.alarmTopic,
      retrySchedule: stringContext(this, 'webhookRetrySchedule', defaults.WEBHOOK_RETRY_SCHEDULE),
    });
    // The routes that send a test, retry or replay put deliveries on the queue, and nothing else of it.
    for (const route of routeList.filter((r) => r.queuesDeliveries)) {
      const fn = functions.get(route.name)!;
      fn.addEnvironment('WEBHOOK_QUEUE_URL', this.webhooks.queue.queue.queueUrl);
      this.webhooks.queue.grantSend(fn);
    }

    this.reconciler = new AppFunction(this, 'Reconciler', {
      entry: 'functions/reconciler/handler.ts',
      description:
        'Schedule: archives overdue leads whose TTL timer has not fired yet, and marks due reminders.',
      timeout: Duration.minutes(2),
      environment: { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, ...tableEnvironment },
    });
    // Queries gsi3/gsi4, then the same conditional UpdateItem the archiver makes.
    grantTableAccess(this.reconciler, 'reconciler', props.table);
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
    const reconcilerErrors = errorsAlarm(this, 'ReconcilerErrorsAlarm', this.reconciler, this.alarmTopic);

    const streamConsumers = {
      archiver: this.consumers.archiver,
      notifier: this.consumers.notifier,
      'insights-aggregator': this.insights.consumers.insightsAggregator,
      'search-indexer': this.insights.consumers.searchIndexer,
    };
    this.observability = new Observability(this, 'Observability', {
      api: this.api,
      accessLogs,
      table: props.table,
      httpFunctions: new Map([...functions, ['no-route', this.noRouteFunction]]),
      workers: new Map<string, IFunction>([
        ['archiver', this.archiver],
        ['notifier', this.notifier],
        ['reconciler', this.reconciler],
        ['email-sender', this.emailSender],
        ['ses-events', this.sesEvents],
        ['insights-aggregator', this.insights.aggregator],
        ['search-indexer', this.insights.searchIndexer],
        ['webhook-events', this.webhooks.events],
        ['webhook-sender', this.webhooks.sender],
        ['sender-authorizer', this.senderAuthorizerFunction],
        ...(props.alarmedFunctions ?? []),
      ]),
      alarmedWorkers: props.alarmedFunctions ?? new Map(),
      queues: new Map([
        ['emails', { queue: emails.queue, deadLetters: emails.deadLetterQueue }],
        ['ses-events', { queue: sesEvents.queue, deadLetters: sesEvents.deadLetterQueue }],
        [
          'webhook-deliveries',
          { queue: this.webhooks.queue.queue, deadLetters: this.webhooks.queue.deadLetterQueue },
        ],
      ]),
      streamConsumers: new Map<string, AppFunction>([
        ['archiver', this.archiver],
        ['notifier', this.notifier],
        ['insights-aggregator', this.insights.aggregator],
        ['search-indexer', this.insights.searchIndexer],
        ['webhook-events', this.webhooks.events],
      ]),
      otherAlarms: [
        ...Object.values(streamConsumers).flatMap((c) => Object.values(c.alarms)),
        ...[emails, sesEvents].flatMap((q) => Object.values(q.alarms)),
        reconcilerErrors,
      ],
      topic: this.alarmTopic,
    });

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'EmailDeadLettersUrl', {
      description: 'npm run dlq -- list|redrive --queue-url <this>',
      value: emails.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'SesEventsDeadLettersUrl', {
      description: 'npm run dlq -- list|redrive --queue ses-events --queue-url <this>',
      value: sesEvents.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'WebhookDeadLettersUrl', {
      description: 'npm run dlq -- list|redrive --queue webhook-deliveries --queue-url <this>',
      value: this.webhooks.queue.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }

  private routeFunction(
    route: Route,
    props: StatelessStackProps,
    tableEnvironment: Record<string, string>,
    fairUseEnvironment: Record<string, string>,
  ) {
    const cursor = route.cursor === true;
    const counted = route.access !== 'public';
    const fn = new AppFunction(this, pascalCase(route.name), {
      entry: `functions/${route.name}/handler.ts`,
      description: `${route.method} ${route.path}: ${route.summary}`,
      // A cold start is a caller waiting (lib/constructs/app-function.ts, `FunctionKind`).
      kind: 'http',
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...(route.data === 'none' && !counted ? {} : tableEnvironment),
        ...(counted ? fairUseEnvironment : {}),
        ...(cursor ? { CURSOR_SECRET_ARN: props.cursorSecret.secretArn } : {}),
      },
    });
    // Least privilege: exactly the actions lib/function-grants.ts lists for this function (an
    // authenticated route's include its fair-use counter: UpdateItem on FAIRUSE# keys).
    grantTableAccess(fn, route.name, props.table);
    if (cursor) props.cursorSecret.grantRead(fn);
    return fn;
  }
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
