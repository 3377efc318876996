/**
 * The partner console on AWS: a private bucket read by CloudFront through origin access control,
 * the security headers the local runtime also sends, SPA routing by a viewer-request function,
 * the hosted UI app client (authorization code, no secret, called back at the distribution), the
 * API's CORS limited to the console's origin, the upload of the build with /config.json, and
 * cdk-nag with nothing left unacknowledged. Functions are not bundled here (stacks.test.ts does).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { otherSecurityHeaders } from '../../console/security-headers.js';
import { definePartnerReferrals } from '../../lib/partner-referrals.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const app = new App({
  context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@partner-referrals.example' },
});
const { stateful, stateless, console: consoleStack } = definePartnerReferrals(app, { prefix: '' });
const assembly = app.synth();
const statefulTemplate = Template.fromStack(stateful);
const statelessTemplate = Template.fromStack(stateless);
const consoleTemplate = Template.fromStack(consoleStack);
const resolve = (value: unknown) => stateful.resolve(value);
const distributionId = () => statefulTemplate.getResourceId('AWS::CloudFront::Distribution');
const headersPolicy = () =>
  Object.values(statefulTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as Resource;

describe('console hosting (stateful stack)', () => {
  it('keeps the console in a private, encrypted, TLS-only bucket that logs its access', () => {
    statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const policies = Object.values(statefulTemplate.findResources('AWS::S3::BucketPolicy')) as Resource[];
    const statements = policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        // Only CloudFront, only for this distribution, may read objects.
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
        }),
      ]),
    );
    expect(JSON.stringify(statements)).not.toContain('"Principal":"*","Action":"s3:GetObject"');
  });

  it('serves it through CloudFront with origin access control, HTTPS only, logged', () => {
    statefulTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    statefulTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        Origins: [
          Match.objectLike({
            OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: Match.anyValue(),
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
  });

  it('sends the same security headers as the local runtime, plus HSTS', () => {
    const config = headersPolicy().Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      CustomHeadersConfig: { Items: Array<{ Header: string; Value: string; Override: boolean }> };
    };
    const security = config.SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 730 * 86400,
      IncludeSubdomains: true,
      Preload: true,
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({
      FrameOption: otherSecurityHeaders['x-frame-options'],
      Override: true,
    });
    expect(security.ReferrerPolicy).toEqual({
      ReferrerPolicy: otherSecurityHeaders['referrer-policy'],
      Override: true,
    });
    expect(config.CustomHeadersConfig.Items).toEqual([
      { Header: 'permissions-policy', Value: otherSecurityHeaders['permissions-policy'], Override: true },
      {
        Header: 'cross-origin-opener-policy',
        Value: otherSecurityHeaders['cross-origin-opener-policy'],
        Override: true,
      },
    ]);
    expect(resolve(security.ContentSecurityPolicy?.ContentSecurityPolicy)).toEqual(
      resolve(stateful.console.contentSecurityPolicy),
    );
  });

  it('lets the console run only its own scripts and styles, and call only the API and Cognito', () => {
    const csp = JSON.stringify(resolve(stateful.console.contentSecurityPolicy));
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('upgrade-insecure-requests');
    const connect = /connect-src ([^;]*);/.exec(csp.replace(/"|,|\{|\}|\[|\]|Fn::Join|Ref|AWS::Region/g, ''));
    expect(connect?.[1]).toMatch(
      /^'self' https:\/\/\*\.execute-api\..*amazonaws\.com https:\/\/cognito-idp\./,
    );
  });

  it('answers every page of the app with index.html and every file as itself', () => {
    const fn = Object.values(statefulTemplate.findResources('AWS::CloudFront::Function'))[0] as Resource;
    const code = fn.Properties.FunctionCode as string;
    const handler = new Function(`${code}; return handler;`)() as (event: { request: { uri: string } }) => {
      uri: string;
    };
    const uri = (path: string) => handler({ request: { uri: path } }).uri;
    expect(uri('/')).toBe('/index.html');
    expect(uri('/leads/01JD0000000000000000000000')).toBe('/index.html');
    expect(uri('/profile')).toBe('/index.html');
    expect(uri('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(uri('/config.json')).toBe('/config.json');
  });

  it('signs the console in through the hosted UI: authorization code, no secret, back at the distribution', () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }, '/']] },
      ],
      LogoutURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }, '/']] },
      ],
    });
    const clients = Object.values(
      statefulTemplate.findResources('AWS::Cognito::UserPoolClient'),
    ) as Resource[];
    for (const client of clients) expect(client.Properties.AllowedOAuthFlows ?? []).not.toContain('implicit');
  });
});

describe('the API for the console (stateless stack)', () => {
  it("allows CORS from the console's origin only", () => {
    const api = Object.values(statelessTemplate.findResources('AWS::ApiGatewayV2::Api'))[0] as Resource;
    const cors = api.Properties.CorsConfiguration as Record<string, unknown>;
    expect(cors.AllowOrigins).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::ImportValue': expect.stringMatching(/ConsoleDistribution.*DomainName/) }],
        ],
      },
    ]);
    expect(cors.AllowMethods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type', 'if-match', 'idempotency-key']);
    expect(cors.ExposeHeaders).toEqual(['etag', 'location']);
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it("accepts the console client's access tokens", () => {
    // The partner routes' JWT authorizer; sender routes have a Lambda authorizer of their own.
    const authorizer = Object.values(
      statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer', {
        Properties: { AuthorizerType: 'JWT' },
      }),
    )[0] as Resource;
    const audience = (authorizer.Properties.JwtConfiguration as { Audience: unknown[] }).Audience;
    expect(audience).toContainEqual({ 'Fn::ImportValue': expect.stringMatching(/ConsoleClient/) });
  });
});

describe('console files (console stack)', () => {
  const deployments = () =>
    Object.values(consoleTemplate.findResources('Custom::CDKBucketDeployment')) as Resource[];

  it('uploads the build and /config.json without pruning, assets immutable and the entry points revalidated', () => {
    const [assets, entry] = deployments();
    expect(deployments()).toHaveLength(2);
    expect(assets!.Properties).toMatchObject({
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(entry!.Properties).toMatchObject({
      Prune: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    // Source.jsonData: config.json, staged with markers that the deployment fills with the API's
    // URL, the region, the user pool, the console client and the hosted UI's domain.
    const staged = readdirSync(assembly.directory)
      .map((d) => join(assembly.directory, d, 'config.json'))
      .filter((f) => existsSync(f));
    expect(staged).toHaveLength(1);
    const config = JSON.parse(readFileSync(staged[0]!, 'utf8')) as Record<string, string>;
    expect(config.mode).toBe('cognito');
    const markers = (entry!.Properties.SourceMarkers as Array<Record<string, unknown>>)[1]!;
    const filled = (key: string) => JSON.stringify(markers[config[key]!]);
    expect(filled('apiUrl')).toMatch(/Stateless:.*ApiEndpoint/);
    expect(filled('userPoolId')).toMatch(/Stateful:.*UserPool/);
    expect(filled('clientId')).toMatch(/Stateful:.*ConsoleClient/);
    // The hosted UI: https://<domain prefix>.auth.<region>.amazoncognito.com
    const domain =
      /^https:\/\/(<<marker:0xbaba:\d+>>)\.auth\.(<<marker:0xbaba:\d+>>)\.amazoncognito\.com$/.exec(
        config.authDomain ?? '',
      );
    expect(JSON.stringify(markers[domain?.[1] ?? ''])).toMatch(/Stateful:.*UserPoolDomain/);
    expect(JSON.stringify(markers[domain?.[2] ?? ''])).toBe('{"Ref":"AWS::Region"}');
    expect(filled('region')).toBe('{"Ref":"AWS::Region"}');
  });

  it('keeps source maps out of the bucket', () => {
    // The folders staged for upload that hold the console's chunks (assets/): no .map among them.
    const staged = readdirSync(assembly.directory)
      .map((d) => join(assembly.directory, d))
      .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'assets')));
    expect(staged.length).toBeGreaterThan(0);
    for (const dir of staged) {
      const files = readdirSync(join(dir, 'assets'));
      expect(files.some((f) => f.endsWith('.js'))).toBe(true);
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    }
  });
});

describe('cdk-nag AwsSolutions on the console', () => {
  it('finds nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations
      .filter((v) => v.violatingResources.some((r) => /(^|\/)Console/.test(r.constructPath ?? '')))
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('finds nothing unacknowledged either with a concrete account and region (as the CLI synthesizes)', () => {
    // `npx cdk synth` hands bin/app.ts CDK_DEFAULT_REGION (us-east-1 without a configured one) and,
    // with credentials, CDK_DEFAULT_ACCOUNT: the asset bucket's name then holds them literally.
    const cli = new App({
      context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@partner-referrals.example' },
    });
    definePartnerReferrals(cli, { prefix: '', env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => cli.synth()).not.toThrow();
    const report = new AwsSolutionsChecks().validateScope(cli);
    const findings = report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});
