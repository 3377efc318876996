/**
 * The two stacks as bin/app.ts wires them, synthesised once (with real esbuild bundling) and then
 * asserted on: the table, the user pool, SES, one function and one authorised route per route-table
 * entry, the alarmed stream consumers and the scheduled reconciler, least-privilege grants, and
 * cdk-nag's AwsSolutions pack with nothing left unacknowledged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { tableDefinition } from '../../functions/adapters/dynamodb/table-definition.js';
import { minimumRetrySpanSeconds } from '../../functions/domain/backoff.js';
import { PARTNER_ROLES } from '../../functions/http/auth.js';
import { routeList } from '../../functions/http/routes.js';
import { queueDefinitions } from '../../functions/queue/definitions.js';
import { defaults } from '../../functions/shared/defaults.js';
import { consumerFilters } from '../../functions/stream/filters.js';
import { definePartnerReferrals } from '../../lib/partner-referrals.js';
import type { StatefulStack } from '../../lib/stateful-stack.js';
import type { StatelessStack } from '../../lib/stateless-stack.js';
import { freePort } from '../../local/ports.js';
import { deadLetterName, startLocalSqs } from '../../local/sqs-server.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let app: App;
let stateful: StatefulStack;
let stateless: StatelessStack;
let assembly: CloudAssembly;
let statefulTemplate: Template;
let statelessTemplate: Template;

beforeAll(() => {
  // The same wiring as bin/app.ts, once: each synth bundles every function.
  app = new App({ context: { alarmEmail: 'ops@partner-referrals.example' } });
  ({ stateful, stateless } = definePartnerReferrals(app, { prefix: '' }));
  // Throws if the nag plugin reports an error; warnings only land in the report checked below.
  assembly = app.synth();
  statefulTemplate = Template.fromStack(stateful);
  statelessTemplate = Template.fromStack(stateless);
}, 180_000);

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** A stateless function's logical id, properties, and the statements and actions of its IAM policy. */
function functionOf(fn: IFunction) {
  const logicalId = stateless.getLogicalId(fn.node.defaultChild as CfnFunction);
  const roleId = stateless.getLogicalId(fn.role!.node.defaultChild as CfnRole);
  const policies = Object.values(
    statelessTemplate.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId }] },
    }),
  ) as Resource[];
  const statements = policies.flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
  const actions = statements.flatMap(actionsOf);
  const resource = statelessTemplate.toJSON().Resources[logicalId] as Resource;
  return { logicalId, statements, actions, properties: resource.Properties };
}

/** The fair-use counter grant: UpdateItem held to FAIRUSE# partition keys. */
const isFairUseGrant = (s: Statement & { Condition?: unknown }) =>
  actionsOf(s).join() === 'dynamodb:UpdateItem' &&
  JSON.stringify(s.Condition ?? {}).includes('"dynamodb:LeadingKeys":["FAIRUSE#*"]');

const queueLogicalId = (queue: { node: { defaultChild?: unknown } }) =>
  stateless.getLogicalId(queue.node.defaultChild as CfnQueue);

/** The function serving a route (see functionOf). */
function routeFunction(name: string) {
  const fn = stateless.functions.get(name);
  if (!fn) throw new Error(`no function for route ${name}`);
  return functionOf(fn);
}

describe('stateful stack', () => {
  it('builds the lead table from the shared table definition, and keeps it', () => {
    statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: tableDefinition.indexes.map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: Match.objectLike({ ProjectionType: index.projection.type }),
          }),
        ),
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('runs a user pool with MFA, no self sign-up, an immutable partner_id and the V2_0 token trigger', () => {
    statefulTemplate.hasResourceProperties(
      'AWS::Cognito::UserPool',
      Match.objectLike({
        UserPoolTier: 'ESSENTIALS',
        MfaConfiguration: 'ON',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Schema: Match.arrayWith([Match.objectLike({ Name: 'partner_id', Mutable: false })]),
        LambdaConfig: {
          PreTokenGenerationConfig: { LambdaArn: Match.anyValue(), LambdaVersion: 'V2_0' },
        },
      }),
    );
    statefulTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Description: Match.stringLikeRegexp('partner_id'),
    });
  });

  it('has both partner groups', () => {
    for (const groupName of PARTNER_ROLES) {
      statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: groupName });
    }
  });

  it('offers the leads.write scope on the referrals resource server to a client-credentials sender', () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'referrals',
      Scopes: [Match.objectLike({ ScopeName: 'leads.write' })],
    });
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: Match.anyValue() }, '/leads.write']] }],
    });
    statefulTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('never lets the partner client write custom:partner_id', () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      WriteAttributes: Match.not(Match.arrayWith(['custom:partner_id'])),
    });
  });

  it('generates the cursor key in Secrets Manager', () => {
    statefulTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('verifies the mail domain in SES, with a configuration set that suppresses bounces and complaints', () => {
    statefulTemplate.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'partner-referrals',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'partner-referrals.example',
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('^ConfigurationSet') },
      },
    });
    expect(stateful.mailFrom).toBe('Partner Referrals <no-reply@partner-referrals.example>');
  });
});

describe('stateless stack', () => {
  it('has one function per route, on the newest Node runtime and ARM64', () => {
    // Plus the archiver, the notifier, the reconciler, the insights aggregator, the search indexer,
    // the email sender, the SES events consumer, the webhook events consumer, the webhook sender and
    // the sender routes' authorizer and the $default route's function.
    statelessTemplate.resourceCountIs('AWS::Lambda::Function', routeList.length + 11);
    for (const route of routeList) {
      const { properties } = routeFunction(route.name);
      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: 10,
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: expect.objectContaining({ POWERTOOLS_SERVICE_NAME: 'partner-referrals' }),
        },
      });
      // The map is read at the first logged error, not at every cold start.
      expect(properties.Environment).not.toHaveProperty('Variables.NODE_OPTIONS');
    }
  });

  it('gives table functions the table and the configured windows, and no one else', () => {
    for (const route of routeList) {
      const variables = (routeFunction(route.name).properties.Environment as { Variables: object }).Variables;
      if (route.data === 'none') {
        expect(variables).not.toHaveProperty('TABLE_NAME');
      } else {
        expect(variables).toMatchObject({
          TABLE_NAME: { 'Fn::ImportValue': expect.stringMatching(/Table/) },
          LEAD_RESPONSE_WINDOW: 'P14D',
          CONTACT_NOW_WINDOW: 'PT72H',
          REMINDER_BEFORE: 'PT48H',
        });
      }
    }
  });

  it('routes every entry of the route table: partners JWT-authorised, senders through the sender authorizer', () => {
    // And the $default route.
    statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', routeList.length + 1);
    for (const route of routeList) {
      const routeKey = `${route.method} ${route.path}`;
      if (route.access === 'public') {
        statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey,
          AuthorizationType: 'NONE',
          AuthorizerId: Match.absent(),
        });
      } else {
        statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey,
          AuthorizationType: route.access === 'sender' ? 'CUSTOM' : 'JWT',
          AuthorizerId: { Ref: Match.anyValue() },
        });
      }
    }
  });

  it('sends every request no route takes to the no-route function, which knows every route key and nothing else', () => {
    const { logicalId, properties, actions } = functionOf(stateless.noRouteFunction);
    const integrations = statelessTemplate.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationUri: { 'Fn::GetAtt': [logicalId, 'Arn'] } },
    });
    expect(Object.keys(integrations)).toHaveLength(1);
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      AuthorizationType: 'NONE',
      AuthorizerId: Match.absent(),
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: Object.keys(integrations)[0] }]] },
    });
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.ROUTE_KEYS).toBe(routeList.map((r) => `${r.method} ${r.path}`).join(','));
    // The API configures CORS for the console, so preflights reach this function too.
    expect(variables.CORS_PREFLIGHT).toBe('true');
    expect(variables).not.toHaveProperty('TABLE_NAME');
    expect(variables).not.toHaveProperty('NODE_OPTIONS');
    expect(actions.filter((a) => !a.startsWith('logs:'))).toEqual([]);
  });

  it("trusts only the user pool's issuer, for the partner, sender and console app clients", () => {
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::ImportValue': Match.stringLikeRegexp('UserPool.*ProviderURL') },
        Audience: [
          { 'Fn::ImportValue': Match.stringLikeRegexp('PartnerClient') },
          { 'Fn::ImportValue': Match.stringLikeRegexp('ExampleSenderClient') },
          { 'Fn::ImportValue': Match.stringLikeRegexp('ConsoleClient') },
        ],
      },
    });
  });

  it('admits sender tokens of any app client of the pool (no audience list), verified by a Lambda authorizer', () => {
    const authorizers = statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer', {
      Properties: { AuthorizerType: 'REQUEST' },
    });
    expect(Object.keys(authorizers)).toHaveLength(1);
    const [id, authorizer] = Object.entries(authorizers)[0] as [string, Resource];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
    });
    // Every sender route, and only those, uses it.
    const routes = Object.values(statelessTemplate.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const senderRoutes = routes.filter(
      (r) => JSON.stringify(r.Properties.AuthorizerId) === JSON.stringify({ Ref: id }),
    );
    expect(senderRoutes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      routeList
        .filter((r) => r.access === 'sender')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    const fn = functionOf(stateless.senderAuthorizerFunction);
    expect((fn.properties.Environment as { Variables: object }).Variables).toMatchObject({
      USER_POOL_ISSUER: { 'Fn::ImportValue': expect.stringMatching(/UserPool.*ProviderURL/) },
    });
    // It reads nothing: the pool's public keys come over HTTPS.
    expect(fn.actions.filter((a) => !a.startsWith('logs:'))).toEqual([]);
  });

  it('throttles the default stage and writes JSON access logs', () => {
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId' })),
      },
    });
  });

  it('grants a read route no write action (but its fair-use counter), and a write route its writes', () => {
    const { statements } = routeFunction('get-lead');
    const read = statements.filter((s) => !isFairUseGrant(s)).flatMap(actionsOf);
    expect(read).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
    const writes = read.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|\*)/.test(a) || a === '*');
    expect(writes).toEqual([]);
    // Every action of every function is asserted in test/infra/grants.test.ts.
    expect(routeFunction('accept-lead').actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
    expect(routeFunction('health').actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('counts every authenticated route against fair use: UpdateItem on FAIRUSE# keys only, limits from context defaults', () => {
    for (const route of routeList) {
      const fn = routeFunction(route.name);
      const variables = (fn.properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (route.access === 'public') {
        expect(fn.statements.filter(isFairUseGrant)).toEqual([]);
        expect(variables).not.toHaveProperty('FAIR_USE_WINDOW');
        continue;
      }
      expect(fn.statements.filter(isFairUseGrant)).toHaveLength(1);
      expect(variables).toMatchObject({
        FAIR_USE_WINDOW: 'PT1M',
        FAIR_USE_SENDER_LIMIT: '1200',
        FAIR_USE_PARTNER_LIMIT: '600',
        FAIR_USE_OVERRIDES: '',
      });
    }
  });

  it('refuses a malformed fair-use limit at synth', () => {
    const app = new App({
      context: { fairUseOverrides: 'contoso=many', alarmEmail: 'ops@partner-referrals.example' },
    });
    expect(() => definePartnerReferrals(app, { prefix: 'Bad' })).toThrow(/override/);
  });

  it('lets only the list routes read the cursor key', () => {
    for (const route of routeList) {
      const { actions, properties } = routeFunction(route.name);
      const lists = ['list-leads', 'list-sent-leads', 'list-webhook-deliveries'].includes(route.name);
      expect(actions.includes('secretsmanager:GetSecretValue')).toBe(lists);
      expect(properties.Environment).toMatchObject({
        Variables: lists
          ? { CURSOR_SECRET_ARN: expect.anything() }
          : expect.not.objectContaining({ CURSOR_SECRET_ARN: expect.anything() }),
      });
    }
  });

  it('bundles each function as a minified ESM module with a source map and a require shim', () => {
    const { properties } = routeFunction('get-lead');
    const key = (properties.Code as { S3Key: string }).S3Key;
    const dir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire } from 'module'; const require = createRequire(")).toBe(
      true,
    );
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    // Minified: lines run to thousands of characters (readable output averages well under 100).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
  });
});

describe('stream consumers, reconciler and alarms', () => {
  const consumerNames = [
    'archiver',
    'notifier',
    'insightsAggregator',
    'searchIndexer',
    'webhookEvents',
  ] as const;
  const consumer = (name: (typeof consumerNames)[number]) => {
    const { insights, webhooks } = stateless;
    const [stream, fn] =
      name === 'insightsAggregator'
        ? [insights.consumers.insightsAggregator, insights.aggregator]
        : name === 'searchIndexer'
          ? [insights.consumers.searchIndexer, insights.searchIndexer]
          : name === 'webhookEvents'
            ? [webhooks.stream, webhooks.events]
            : [stateless.consumers[name], stateless[name]];
    const queue = stream.deadLetterQueue.node.defaultChild as CfnQueue;
    return { fn: functionOf(fn), queueId: stateless.getLogicalId(queue) };
  };
  const topicId = () => statelessTemplate.getResourceId('AWS::SNS::Topic');

  it('reads the table stream with partial batch responses, bisection, bounded retries and an SQS on-failure destination', () => {
    const streamMappings = statelessTemplate.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { StartingPosition: 'TRIM_HORIZON' },
    });
    expect(Object.keys(streamMappings)).toHaveLength(consumerNames.length);
    for (const name of consumerNames) {
      const { fn, queueId } = consumer(name);
      statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fn.logicalId },
        EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('Table.*StreamArn') },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: Match.anyValue(),
        MaximumBatchingWindowInSeconds: Match.anyValue(),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        // The notifier only fails while the queue or table is unreachable: it retries for the stream's whole day.
        MaximumRetryAttempts: name === 'notifier' || name === 'webhookEvents' ? 10_000 : 5,
        MaximumRecordAgeInSeconds: 86_400,
        ParallelizationFactor: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
  });

  it('filters each mapping with exactly the patterns the local stream poller uses', () => {
    for (const name of consumerNames) {
      const [mapping] = Object.values(
        statelessTemplate.findResources('AWS::Lambda::EventSourceMapping', {
          Properties: { FunctionName: { Ref: consumer(name).fn.logicalId } },
        }),
      ) as Resource[];
      expect(mapping?.Properties.FilterCriteria).toEqual({
        Filters: consumerFilters[name].map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      });
    }
  });

  it('keeps failed batches for 14 days in SSE-encrypted, TLS-only queues', () => {
    // A stream on-failure queue per consumer, and a queue and dead-letter queue for emails, for SES
    // events and for webhook deliveries.
    statelessTemplate.resourceCountIs('AWS::SQS::Queue', consumerNames.length + 6);
    for (const name of consumerNames) {
      const { queueId } = consumer(name);
      expect(statelessTemplate.toJSON().Resources[queueId].Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('alarms on dead letters, errors and iterator age of each consumer, to a TLS-only topic', () => {
    const alarm = (props: Record<string, unknown>) =>
      statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId() }],
        ...props,
      });
    for (const name of consumerNames) {
      const { fn, queueId } = consumer(name);
      alarm({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 0,
      });
      alarm({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }],
        Statistic: 'Sum',
        Threshold: 0,
      });
      alarm({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }],
        Statistic: 'Maximum',
        Threshold: 15 * 60 * 1000,
      });
    }
    statelessTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
  });

  it('erases personal data on the reconciler run: PII_RETENTION (P2Y) and the dueForErasure index it queries', () => {
    const reconciler = functionOf(stateless.reconciler);
    expect((reconciler.properties.Environment as { Variables: object }).Variables).toMatchObject({
      PII_RETENTION: 'P2Y',
    });
    statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'dueForErasure',
          KeySchema: [
            { AttributeName: 'gsi7pk', KeyType: 'HASH' },
            { AttributeName: 'gsi7sk', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
    // Erasure overwrites; it never deletes.
    expect(reconciler.actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:Query']));
  });

  it('runs the reconciler every minute, without retries, and alarms on its errors', () => {
    const reconciler = functionOf(stateless.reconciler);
    statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconciler.logicalId, 'Arn'] } })],
    });
    statelessTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [reconciler.logicalId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    statelessTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: reconciler.logicalId },
      MaximumRetryAttempts: 0,
    });
    statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: reconciler.logicalId } }],
      Threshold: 0,
      AlarmActions: [{ Ref: topicId() }],
    });
  });

  it('gives the archiver, notifier and reconciler the table and windows, and the notifier its mail settings', () => {
    for (const fn of [stateless.archiver, stateless.notifier, stateless.reconciler]) {
      expect(functionOf(fn).properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: expect.objectContaining({
            TABLE_NAME: { 'Fn::ImportValue': expect.stringMatching(/Table/) },
            LEAD_RESPONSE_WINDOW: 'P14D',
            CONTACT_NOW_WINDOW: 'PT72H',
            REMINDER_BEFORE: 'PT48H',
            // Background functions map their stack traces from the start: nobody waits on their cold start.
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
    expect(functionOf(stateless.notifier).properties.Environment).toMatchObject({
      Variables: {
        CHOOSE_PARTNER_URL: 'https://partner-referrals.example/find-a-partner',
        PARTNER_CONSOLE_URL: 'https://partner-referrals.example/leads',
        EMAIL_QUEUE_URL: { Ref: queueLogicalId(stateless.queues.emails.queue) },
        PUBLIC_API_URL: expect.anything(),
      },
    });
    expect(functionOf(stateless.emailSender).properties.Environment).toMatchObject({
      Variables: {
        MAIL_FROM: 'Partner Referrals <no-reply@partner-referrals.example>',
        SES_CONFIGURATION_SET: { 'Fn::ImportValue': expect.stringMatching(/ConfigurationSet/) },
        EMAIL_QUEUE_URL: { Ref: queueLogicalId(stateless.queues.emails.queue) },
      },
    });
  });

  it('lets the archiver and reconciler query and conditionally update leads, and the notifier write contacts', () => {
    for (const fn of [stateless.archiver, stateless.reconciler]) {
      expect(functionOf(fn).actions).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
      );
    }
    expect(functionOf(stateless.reconciler).actions).toContain('dynamodb:Query');
    expect(functionOf(stateless.notifier).actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ]),
    );
  });

  it('lets only the email sender send email, and only as the SES identity with the configuration set', () => {
    const ses = functionOf(stateless.emailSender).statements.filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(actionsOf(ses[0]!)).toEqual(['ses:SendEmail']);
    const resources = (ses[0]!.Resource as unknown[]).map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(2);
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/:identity\/",\{"Fn::ImportValue":"[^"]*EmailIdentity[^"]*"\}\]\]\}$/),
        expect.stringMatching(
          /:configuration-set\/",\{"Fn::ImportValue":"[^"]*ConfigurationSet[^"]*"\}\]\]\}$/,
        ),
      ]),
    );
    const others = [
      ...stateless.functions.values(),
      stateless.archiver,
      stateless.reconciler,
      stateless.notifier,
      stateless.sesEvents,
      stateless.insights.aggregator,
      stateless.insights.searchIndexer,
    ];
    for (const fn of others) expect(functionOf(fn).actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('puts nothing on * but dynamodb:ListStreams, which has no resource-level permissions', () => {
    const policies = Object.values(statelessTemplate.findResources('AWS::IAM::Policy')) as Resource[];
    const onStar = policies
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')));
    expect(onStar.length).toBeGreaterThan(0);
    expect([...new Set(onStar.flatMap(actionsOf))]).toEqual(['dynamodb:ListStreams']);
  });
});

describe('durable queues: emails and SES feedback', () => {
  const durable = () =>
    [
      {
        queue: stateless.queues.emails,
        definition: queueDefinitions.emails,
        consumer: stateless.emailSender,
      },
      {
        queue: stateless.queues.sesEvents,
        definition: queueDefinitions.sesEvents,
        consumer: stateless.sesEvents,
      },
      {
        queue: stateless.webhooks.queue,
        definition: queueDefinitions.webhooks,
        consumer: stateless.webhooks.sender,
      },
    ] as const;
  const props = (queue: { node: { defaultChild?: unknown } }) =>
    statelessTemplate.toJSON().Resources[queueLogicalId(queue)].Properties as Record<string, unknown>;

  it('builds each queue from its shared definition: encrypted, TLS-only, dead letters after maxReceives', () => {
    for (const { queue, definition } of durable()) {
      expect(props(queue.queue)).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        MessageRetentionPeriod: definition.retentionDays * 86_400,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [queueLogicalId(queue.deadLetterQueue), 'Arn'] },
          maxReceiveCount: definition.backoff.maxReceives,
        },
      });
      // Emails: FIFO, one group per email (high-throughput mode), and so is their dead-letter queue.
      if (definition.fifo) {
        expect(props(queue.queue)).toMatchObject({
          FifoQueue: true,
          DeduplicationScope: 'messageGroup',
          FifoThroughputLimit: 'perMessageGroupId',
        });
        expect(props(queue.deadLetterQueue)).toMatchObject({ FifoQueue: true });
      } else {
        expect(props(queue.queue).FifoQueue).toBeUndefined();
      }
      // SQS counts a dead letter's age from its first enqueue: the DLQ must keep messages longer.
      expect(props(queue.deadLetterQueue)).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: definition.deadLetterRetentionDays * 86_400,
      });
      expect(definition.deadLetterRetentionDays).toBeGreaterThan(definition.retentionDays);
      for (const q of [queue.queue, queue.deadLetterQueue]) {
        statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueLogicalId(q) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('retries an email for most of a day (at least 23 hours), well inside the queue retention', () => {
    const span = minimumRetrySpanSeconds(queueDefinitions.emails.backoff);
    expect(span).toBeGreaterThan(23 * 3600);
    expect(queueDefinitions.emails.retentionDays * 86_400).toBeGreaterThan(2 * span);
  });

  it('feeds each consumer with partial batch responses and a concurrency bound; visibility is 6x its timeout', () => {
    for (const { queue, definition, consumer } of durable()) {
      const fn = functionOf(consumer);
      statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fn.logicalId },
        EventSourceArn: { 'Fn::GetAtt': [queueLogicalId(queue.queue), 'Arn'] },
        BatchSize: definition.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: definition.maxConcurrency },
      });
      expect(fn.properties.Timeout).toBe(definition.consumerTimeoutSeconds);
      expect(definition.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
        6 * definition.consumerTimeoutSeconds,
      );
    }
  });

  it('builds the local queues from the same definitions', async () => {
    const port = await freePort();
    const local = await startLocalSqs({ port, definitions: Object.values(queueDefinitions) });
    try {
      for (const definition of Object.values(queueDefinitions)) {
        const queue = local.queue(definition.name);
        expect(queue.options.visibilityTimeoutSeconds).toBe(definition.visibilityTimeoutSeconds);
        expect(queue.options.retentionSeconds).toBe(definition.retentionDays * 86_400);
        expect(queue.options.deadLetter?.maxReceiveCount).toBe(definition.backoff.maxReceives);
        expect(queue.options.deadLetter?.queue.name).toBe(deadLetterName(definition.name));
        expect(local.queue(deadLetterName(definition.name)).options.retentionSeconds).toBe(
          definition.deadLetterRetentionDays * 86_400,
        );
      }
    } finally {
      await local.close();
    }
  });

  it('alarms on dead letters, consumer errors and the age of the oldest message, to the alarm topic', () => {
    const topic = statelessTemplate.getResourceId('AWS::SNS::Topic');
    for (const { queue, definition, consumer } of durable()) {
      const alarm = (properties: Record<string, unknown>) =>
        statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: topic }],
          OKActions: [{ Ref: topic }],
          ...properties,
        });
      alarm({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [queueLogicalId(queue.deadLetterQueue), 'QueueName'] },
          },
        ],
        Threshold: 0,
        AlarmDescription: Match.stringLikeRegexp('npm run dlq -- redrive'),
      });
      alarm({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId(queue.queue), 'QueueName'] } },
        ],
        Threshold: definition.maxAgeSeconds,
      });
      alarm({
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf(consumer).logicalId } }],
        Threshold: 0,
      });
    }
  });

  it('grants each function exactly the queue, table and SES actions it uses', () => {
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    const consume = [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ];
    const sorted = (actions: string[]) => [...new Set(actions)].sort();
    expect(sorted(functionOf(stateless.emailSender).actions)).toEqual(
      sorted([...logs, ...consume, 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'ses:SendEmail']),
    );
    // …and only on the email markers' own partitions: never a lead, a contact or a suppression.
    const markers = functionOf(stateless.emailSender).statements.find((s) =>
      actionsOf(s).includes('dynamodb:BatchWriteItem'),
    ) as Statement & { Condition?: unknown };
    expect(markers.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['EMAIL#*'] },
    });
    expect(sorted(functionOf(stateless.sesEvents).actions)).toEqual(
      sorted([...logs, ...consume, 'dynamodb:UpdateItem']),
    );
    // The table actions name the table only, never an index wildcard.
    for (const fn of [stateless.emailSender, stateless.sesEvents]) {
      const table = functionOf(fn).statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );
      expect(table.map((s) => s.Resource)).toEqual([
        { 'Fn::ImportValue': expect.stringMatching(/Table.*Arn/) },
      ]);
    }
    // The notifier may put messages on the email queue, and nothing else (the other SQS grant it has
    // is the stream mapping's on-failure queue).
    const emailQueue = { 'Fn::GetAtt': [queueLogicalId(stateless.queues.emails.queue), 'Arn'] };
    const onEmailQueue = functionOf(stateless.notifier).statements.filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(emailQueue),
    );
    expect(onEmailQueue.flatMap(actionsOf)).toEqual(['sqs:SendMessage']);
  });

  it("sends the configuration set's bounces and complaints through EventBridge to the SES events queue", () => {
    statelessTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { 'Fn::ImportValue': Match.stringLikeRegexp('ConfigurationSet') },
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
    const { queue, deadLetterQueue } = stateless.queues.sesEvents;
    statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ses'], 'detail-type': ['Email Bounced', 'Email Complaint Received'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueLogicalId(queue), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueLogicalId(deadLetterQueue), 'Arn'] } },
        }),
      ],
    });
  });

  it('names the dead-letter queues in the outputs, for npm run dlq', () => {
    statelessTemplate.hasOutput('EmailDeadLettersUrl', {
      Value: { Ref: queueLogicalId(stateless.queues.emails.deadLetterQueue) },
    });
    statelessTemplate.hasOutput('SesEventsDeadLettersUrl', {
      Value: { Ref: queueLogicalId(stateless.queues.sesEvents.deadLetterQueue) },
    });
  });
});

describe('insights and search consumers', () => {
  const leadingKeys = (s: Statement) =>
    (s as Statement & { Condition?: Record<string, Record<string, string[]>> }).Condition?.[
      'ForAllValues:StringLike'
    ]?.['dynamodb:LeadingKeys'];
  const dynamoStatements = (fn: IFunction) =>
    functionOf(fn).statements.filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams'),
    );
  const streamActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

  it('lets the aggregator only put markers and add to aggregates, on their own partitions', () => {
    const statements = dynamoStatements(stateless.insights.aggregator).filter(
      (s) => !actionsOf(s).every((a) => streamActions.includes(a)),
    );
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0]!).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(leadingKeys(statements[0]!)).toEqual(['COUNTED#*', 'STATS#*', 'PLATFORM#*']);
    const all = functionOf(stateless.insights.aggregator).actions;
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(all).not.toContain(forbidden);
    }
  });

  it('lets the search indexer read aggregates and cards and write only search partitions', () => {
    const statements = dynamoStatements(stateless.insights.searchIndexer).filter(
      (s) => !actionsOf(s).every((a) => streamActions.includes(a)),
    );
    expect(statements.map((s) => [actionsOf(s).sort(), leadingKeys(s)])).toEqual(
      expect.arrayContaining([
        [['dynamodb:BatchGetItem'], ['STATS#*', 'SEARCH#*']],
        [['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'], ['SEARCH#*']],
      ]),
    );
    expect(statements).toHaveLength(2);
    const all = functionOf(stateless.insights.searchIndexer).actions;
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query']) {
      expect(all).not.toContain(forbidden);
    }
  });

  it('reads the stream in batches the aggregator counts together', () => {
    statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionOf(stateless.insights.aggregator).logicalId },
      BatchSize: 200,
    });
  });
});

describe('webhooks', () => {
  const variables = (fn: IFunction) =>
    (functionOf(fn).properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const leadingKeys = (s: Statement) =>
    (s as Statement & { Condition?: Record<string, Record<string, string[]>> }).Condition?.[
      'ForAllValues:StringLike'
    ]?.['dynamodb:LeadingKeys'];
  const tableStatements = (fn: IFunction) =>
    functionOf(fn)
      .statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .filter(
        (s) =>
          !actionsOf(s).every((a) =>
            [
              'dynamodb:DescribeStream',
              'dynamodb:GetRecords',
              'dynamodb:GetShardIterator',
              'dynamodb:ListStreams',
            ].includes(a),
          ),
      )
      .map((s) => [actionsOf(s).sort(), leadingKeys(s)]);
  const forbidden = [
    'dynamodb:Scan',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:TransactWriteItems',
  ];

  it('lets the events consumer only query subscriptions and put events and deliveries, never touch a lead', () => {
    expect(tableStatements(stateless.webhooks.events)).toEqual([
      [['dynamodb:Query'], ['PARTNER#*']],
      [['dynamodb:PutItem'], ['WHEVENT#*', 'WHDELIVERY#*']],
    ]);
    for (const action of forbidden)
      expect(functionOf(stateless.webhooks.events).actions).not.toContain(action);
  });

  it('lets the sender read and update deliveries and subscriptions, and read contacts for the disabled email', () => {
    expect(tableStatements(stateless.webhooks.sender)).toEqual([
      [['dynamodb:BatchGetItem'], ['PARTNER#*', 'WHDELIVERY#*', 'WHEVENT#*', 'SUPPRESSED#*']],
      [['dynamodb:UpdateItem'], ['PARTNER#*', 'WHDELIVERY#*']],
      [['dynamodb:GetItem', 'dynamodb:Query'], ['PARTNER#*']],
    ]);
    for (const action of [...forbidden, 'dynamodb:PutItem'])
      expect(functionOf(stateless.webhooks.sender).actions).not.toContain(action);
  });

  it('lets only the test, retry and replay routes (and the two consumers) send to the delivery queue', () => {
    const deliveryQueue = { 'Fn::GetAtt': [queueLogicalId(stateless.webhooks.queue.queue), 'Arn'] };
    const senders = [...stateless.functions.entries()]
      .filter(([, fn]) =>
        functionOf(fn).statements.some(
          (s) =>
            JSON.stringify(s.Resource) === JSON.stringify(deliveryQueue) &&
            actionsOf(s).includes('sqs:SendMessage'),
        ),
      )
      .map(([name]) => name)
      .sort();
    expect(senders).toEqual(['replay-webhook', 'retry-webhook-delivery', 'test-webhook']);
    for (const name of senders) {
      expect(variables(stateless.functions.get(name)!).WEBHOOK_QUEUE_URL).toEqual({
        Ref: queueLogicalId(stateless.webhooks.queue.queue),
      });
    }
  });

  it('gives the sender the retry schedule and the email queue, and names the dead letters in the outputs', () => {
    const env = variables(stateless.webhooks.sender);
    expect(env.WEBHOOK_RETRY_SCHEDULE).toBe(defaults.WEBHOOK_RETRY_SCHEDULE);
    expect(env.EMAIL_QUEUE_URL).toEqual({ Ref: queueLogicalId(stateless.queues.emails.queue) });
    expect(env.WEBHOOK_ALLOW_LOCAL_HTTP).toBeUndefined();
    statelessTemplate.hasOutput('WebhookDeadLettersUrl', {
      Value: { Ref: queueLogicalId(stateless.webhooks.queue.deadLetterQueue) },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in either stack', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('left no violation in the report the validation plugin wrote during synth', () => {
    const written = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(written.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('left no warning or error annotation on either stack', () => {
    for (const stack of [stateful, stateless]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });

  it('really checks: an unsafe user pool elsewhere is reported', () => {
    // Guards against a silent pass, e.g. cdk-nag seeing a different copy of aws-cdk-lib.
    const probe = new Stack(new App(), 'Probe');
    new CfnUserPool(probe, 'Pool', {});
    const rules = new AwsSolutionsChecks().validateScope(probe).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-COG1', 'AwsSolutions-COG2']));
  });
});
