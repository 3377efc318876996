/**
 * The two stacks as bin/app.ts wires them, synthesised once (with real esbuild bundling) and then
 * asserted on: the table, the user pool, one function and one authorised route per route-table
 * entry, least-privilege grants, and cdk-nag's AwsSolutions pack with nothing left unacknowledged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { tableDefinition } from '../../functions/adapters/dynamodb/table-definition.js';
import { PARTNER_ROLES, SENDER_SCOPE } from '../../functions/http/auth.js';
import { routeList } from '../../functions/http/routes.js';
import { StatefulStack } from '../../lib/stateful-stack.js';
import { StatelessStack } from '../../lib/stateless-stack.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

let app: App;
let stateful: StatefulStack;
let stateless: StatelessStack;
let assembly: CloudAssembly;
let statefulTemplate: Template;
let statelessTemplate: Template;

beforeAll(() => {
  // Wired exactly as in bin/app.ts; bin/app.ts itself is not imported because constructing its
  // stacks would bundle every function a second time.
  app = new App();
  stateful = new StatefulStack(app, 'Stateful');
  stateless = new StatelessStack(app, 'Stateless', {
    table: stateful.table,
    userPool: stateful.userPool,
    clients: [stateful.partnerClient, stateful.senderClient],
    cursorSecret: stateful.cursorSecret,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Throws if the nag plugin reports an error; warnings only land in the report checked below.
  assembly = app.synth();
  statefulTemplate = Template.fromStack(stateful);
  statelessTemplate = Template.fromStack(stateless);
}, 180_000);

/** The logical id of the function serving a route, and the resources of its IAM policy. */
function routeFunction(name: string) {
  const fn = stateless.functions.get(name);
  if (!fn) throw new Error(`no function for route ${name}`);
  const logicalId = stateless.getLogicalId(fn.node.defaultChild as CfnFunction);
  const roleId = stateless.getLogicalId(fn.role!.node.defaultChild as CfnRole);
  const policies = Object.values(
    statelessTemplate.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId }] },
    }),
  ) as Resource[];
  const statements = policies.flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
  );
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  const resource = statelessTemplate.toJSON().Resources[logicalId] as Resource;
  return { logicalId, actions, properties: resource.Properties };
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
});

describe('stateless stack', () => {
  it('has one function per route, on the newest Node runtime and ARM64', () => {
    statelessTemplate.resourceCountIs('AWS::Lambda::Function', routeList.length);
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
          Variables: expect.objectContaining({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'partner-referrals',
          }),
        },
      });
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

  it('routes every entry of the route table, JWT-authorised unless public, senders by scope too', () => {
    statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', routeList.length);
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
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: Match.anyValue() },
          AuthorizationScopes: route.access === 'sender' ? [SENDER_SCOPE] : Match.absent(),
        });
      }
    }
  });

  it("trusts only the user pool's issuer, for the partner and sender app clients", () => {
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::ImportValue': Match.stringLikeRegexp('UserPool.*ProviderURL') },
        Audience: [
          { 'Fn::ImportValue': Match.stringLikeRegexp('PartnerClient') },
          { 'Fn::ImportValue': Match.stringLikeRegexp('ExampleSenderClient') },
        ],
      },
    });
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

  it('grants a read route no write action, and a write route its writes', () => {
    const read = routeFunction('get-lead').actions;
    expect(read).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    const writes = read.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|\*)/.test(a) || a === '*');
    expect(writes).toEqual([]);
    expect(routeFunction('accept-lead').actions).toEqual(
      expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']),
    );
    expect(routeFunction('health').actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('lets only the list routes read the cursor key', () => {
    for (const route of routeList) {
      const { actions, properties } = routeFunction(route.name);
      const lists = route.name === 'list-leads' || route.name === 'list-sent-leads';
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
