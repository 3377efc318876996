/**
 * Where the partner console lives on AWS: a private S3 bucket read only by CloudFront (origin access
 * control), a distribution that sends the console's security headers with every answer, and the
 * Cognito app client the console signs in with through the hosted UI (authorization code + PKCE,
 * called back at the distribution's own URL). Its URL is the console's identity (the hosted UI's
 * callback, the API's CORS origin), so it sits with the state and outlives redeploys of the code.
 */
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { CorsHttpMethod, type CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  OAuthScope,
  type UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { contentSecurityPolicy, otherSecurityHeaders } from '../../console/security-headers.js';

export interface ConsoleHostingProps {
  userPool: UserPool;
  /** The user pool's hosted UI domain. */
  authDomain: UserPoolDomain;
}

/** Headers the response headers policy sends besides those it has typed fields for. */
const {
  'x-content-type-options': _nosniff,
  'x-frame-options': _frame,
  'referrer-policy': _referrer,
  ...customHeaders
} = otherSecurityHeaders;

/** The console's bucket, distribution and Cognito app client. */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The hosted UI app client: no secret, authorization code flow only. */
  readonly client: UserPoolClient;
  /** `https://<distribution domain>`: the CORS origin the API allows. */
  readonly origin: string;
  /** The hosted UI's base URL, for the console's configuration. */
  readonly authDomainUrl: string;
  /** The Content-Security-Policy the distribution sends (one definition with the local runtime's). */
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { region } = Stack.of(this);

    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "This is the access-log bucket of the console's bucket and distribution; logging it into itself would loop.",
    });

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
    });

    this.authDomainUrl = props.authDomain.baseUrl();
    this.contentSecurityPolicy = contentSecurityPolicy({
      connect: [
        // The HTTP API; its exact id would make the two stacks depend on each other.
        `https://*.execute-api.${region}.amazonaws.com`,
        // OpenID discovery and keys, then the hosted UI's token endpoint.
        `https://cognito-idp.${region}.amazonaws.com`,
        this.authDomainUrl,
      ],
      https: true,
    });
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Partner console: CSP, HSTS and the other security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: Object.entries(customHeaders).map(([header, value]) => ({
          header,
          value,
          override: true,
        })),
      },
    });

    // The app's own pages (/leads/01J…, /profile) are index.html; anything with an extension is a file.
    const pages = new CloudFrontFunction(this, 'Pages', {
      comment: 'Serves index.html for the single-page app routes',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri.indexOf('.') === -1) { r.uri = '/index.html'; } return r; }",
      ),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Partner Referrals console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: pages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Partners work from any country; the console is static files and every API call is authenticated.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves only public static files of the console; the API it calls has its own throttling and JWT authorizer. A CloudFront WAF web ACL (us-east-1 only) can be attached when a custom domain is added.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate cannot be pinned to TLS 1.2; a custom domain with its ACM certificate (TLSv1.2_2021) is the way to enforce it.',
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    this.client = props.userPool.addClient('ConsoleClient', {
      // A browser app keeps no secret: the authorization code is bound to the browser by PKCE.
      generateSecret: false,
      authFlows: {},
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [`${this.origin}/`],
        logoutUrls: [`${this.origin}/`],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    new CfnOutput(this, 'ConsoleUrl', { value: `${this.origin}/`, description: 'The partner console' });
    new CfnOutput(this, 'ConsoleClientId', { value: this.client.userPoolClientId });
  }
}

/** The API's CORS for the console: its one origin, the methods and headers the console uses. */
export function consoleCors(origin: string): CorsPreflightOptions {
  return {
    allowOrigins: [origin],
    allowMethods: [
      CorsHttpMethod.GET,
      CorsHttpMethod.POST,
      CorsHttpMethod.PUT,
      CorsHttpMethod.PATCH,
      CorsHttpMethod.DELETE,
    ],
    allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
    exposeHeaders: ['etag', 'location'],
    maxAge: Duration.hours(1),
  };
}
