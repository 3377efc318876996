/**
 * The code: one Lambda function per entry of the route table behind an HTTP API whose JWT
 * authorizer trusts only the stateful stack's user pool. Safe to destroy and redeploy.
 */
import {
  CfnOutput,
  CrossStackReferences,
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
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { durationMs } from '../functions/domain/duration.js';
import { SENDER_SCOPE } from '../functions/http/auth.js';
import { type Route, routeList } from '../functions/http/routes.js';
import { AppFunction } from './constructs/app-function.js';

const SERVICE_NAME = 'partner-referrals';

/** Routes whose handlers seal and open list cursors, and so need the cursor key. */
const CURSOR_ROUTES: ReadonlySet<string> = new Set(['list-leads', 'list-sent-leads']);

/** What the stateless stack takes from the stateful one. */
export interface StatelessStackProps extends StackProps {
  table: ITable;
  userPool: UserPool;
  /** App clients whose access tokens the API accepts (partner users and sender systems). */
  clients: IUserPoolClient[];
  cursorSecret: ISecret;
}

/** The HTTP API and its functions, built from the route table. */
export class StatelessStack extends Stack {
  readonly api: HttpApi;
  /** The function serving each route, by route name. */
  readonly functions: ReadonlyMap<string, AppFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong on purpose: CloudFormation then refuses to delete the table or user pool while the API uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    const tableEnvironment = {
      TABLE_NAME: props.table.tableName,
      LEAD_RESPONSE_WINDOW: durationContext(this, 'leadResponseWindow', 'P14D'),
      CONTACT_NOW_WINDOW: durationContext(this, 'contactNowWindow', 'PT72H'),
      REMINDER_BEFORE: durationContext(this, 'reminderBefore', 'PT48H'),
    };

    this.api = new HttpApi(this, 'Api', {
      description: 'Partner referrals API (v1).',
      // The default stage is declared below: HttpApi's own cannot carry throttling or access logs.
      createDefaultStage: false,
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

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
  }

  private routeFunction(route: Route, props: StatelessStackProps, tableEnvironment: Record<string, string>) {
    const cursor = CURSOR_ROUTES.has(route.name);
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
    if (route.data === 'read') props.table.grantReadData(fn);
    if (route.data === 'write') props.table.grantReadWriteData(fn);
    if (route.data !== 'none') {
      // The grant adds <table ARN>/index/* so the function can query the table's GSIs: the wildcard
      // only ranges over index names of this one table.
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${importedName(this, props.table, props.table.tableArn)}/index/*]`,
        reason:
          "Queries the lead table's own GSIs; the wildcard only ranges over index names of this one table.",
      });
    }
    if (cursor) props.cursorSecret.grantRead(fn);
    return fn;
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
function importedName(consumer: Stack, producer: IConstruct, value: string): string {
  const imported = consumer.resolve(Stack.of(producer).exportValue(value)) as Record<string, unknown>;
  const name = imported['Fn::ImportValue'];
  if (typeof name !== 'string')
    throw new Error(`expected an Fn::ImportValue, got ${JSON.stringify(imported)}`);
  return name;
}

const pascalCase = (kebab: string) => kebab.replace(/(?:^|-)([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** An ISO 8601 duration from CDK context (`-c key=P14D`), checked at synth time rather than at cold start. */
function durationContext(scope: Construct, key: string, fallback: string): string {
  const value: unknown = scope.node.tryGetContext(key);
  const duration = typeof value === 'string' && value.length > 0 ? value : fallback;
  durationMs(duration);
  return duration;
}
