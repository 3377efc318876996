/**
 * Puts the built console (console/dist) in its bucket with the configuration the deployed console
 * reads at start (/config.json: the API's URL and the hosted UI's coordinates). Hashed assets are
 * cached for a year; index.html and config.json are revalidated on every load, so a new release
 * needs no CloudFront invalidation. Nothing is pruned: a tab open on the previous release can
 * still load its chunks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import type { UserPool } from 'aws-cdk-lib/aws-cognito';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { CognitoConfig } from '../../console/src/config.js';
import { importedName } from '../stateless-stack.js';
import type { ConsoleHosting } from './console-hosting.js';

export interface ConsoleDeploymentProps {
  hosting: ConsoleHosting;
  userPool: UserPool;
  /** The HTTP API's base URL. */
  apiUrl: string;
  /** The built console; npm's prepare step builds it (npm run build:console). */
  distDir?: string;
}

/** Uploads console/dist and /config.json to the console's bucket. */
export class ConsoleDeployment extends Construct {
  constructor(scope: Construct, id: string, props: ConsoleDeploymentProps) {
    super(scope, id);
    const dist = props.distDir ?? join(process.cwd(), 'console', 'dist');
    if (!existsSync(join(dist, 'index.html'))) {
      throw new Error(`the console is not built (${dist}/index.html is missing): run npm run build:console`);
    }
    const { bucket } = props.hosting;
    const config: CognitoConfig = {
      mode: 'cognito',
      apiUrl: props.apiUrl,
      region: Stack.of(this).region,
      userPoolId: props.userPool.userPoolId,
      clientId: props.hosting.client.userPoolClientId,
      authDomain: props.hosting.authDomainUrl,
    };
    const assets = new BucketDeployment(this, 'Assets', {
      destinationBucket: bucket,
      // Source maps stay out of the public bucket.
      sources: [Source.asset(dist, { exclude: ['index.html', '*.map', '**/*.map'] })],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    const entry = new BucketDeployment(this, 'Entry', {
      destinationBucket: bucket,
      sources: [
        Source.asset(dist, { exclude: ['*', '!index.html'] }),
        Source.jsonData('config.json', config),
      ],
      cacheControl: [CacheControl.noCache()],
      prune: false,
    });
    // The entry points go up after the chunks they name.
    entry.node.addDependency(assets);
    // What CDK's BucketDeployment handler (the stack's one singleton function) is granted: object
    // actions on the CDK asset bucket it copies from and on the console bucket it copies to.
    const stack = Stack.of(this);
    const bucketObjects = `${importedName(stack, bucket, bucket.bucketArn)}/*`;
    // The asset bucket is named for the stack's account and region: cdk-nag shows them as written
    // when the app is given them (the CLI always gives a region), as pseudo parameters otherwise.
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const grants = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${account}-${region}/*`,
      `Resource::${bucketObjects}`,
    ];
    for (const grant of grants) {
      Validations.of(stack).acknowledge({
        id: `AwsSolutions-IAM5[${grant}]`,
        reason:
          "CDK's BucketDeployment copies the build from the CDK asset bucket into the console bucket: the wildcards range over the objects of exactly those two buckets.",
      });
    }
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "The BucketDeployment handler's runtime is chosen by aws-cdk-lib (it bundles the AWS CLI for that runtime), not by this app; it runs only during deployments.",
    });
    Validations.of(stack).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "The BucketDeployment handler (CDK's own custom resource) logs with AWSLambdaBasicExecutionRole, which only allows writing its CloudWatch logs.",
    });
  }
}
