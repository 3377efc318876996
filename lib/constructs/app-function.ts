import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: entries, the lock file and esbuild's working directory are resolved from it. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The one esbuild configuration for every function; the bench script builds with it too. */
export const appBundling: BundlingOptions = {
  minify: true,
  // Linked maps ship with every bundle: background functions load them at start (NODE_OPTIONS below),
  // HTTP functions only at their first logged error (functions/shared/mapped-stack.ts).
  sourceMap: true,
  // DomainError names itself after new.target.name; minifying would otherwise rename every error class.
  keepNames: true,
  format: OutputFormat.ESM,
  // Prefer ESM builds of dependencies so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  // Pin the SDK version we test against instead of the one the runtime happens to ship.
  bundleAwsSDK: true,
  target: 'node24',
  // Some dependencies still call require() on Node built-ins; an ESM bundle has no require of its own.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // esbuild's per-bundle size table, times twenty functions, would bury synth and test output.
  logLevel: LogLevel.WARNING,
};

/** The runtime every function runs on; the bench imports the bundles on the same Node major. */
export const appRuntime = Runtime.NODEJS_24_X;

/**
 * What a function's environment holds besides its own settings, by whether Node maps its stack
 * traces at load. Loading the map costs every cold start about 17 ms (README, cold start): worth it
 * for the stream and queue consumers, not for the HTTP functions, which map their rare logged error
 * when it happens. The bench runs the HTTP bundles with the same environment.
 */
export function appEnvironment(sourceMapsAtLoad: boolean): Readonly<Record<string, string>> {
  return sourceMapsAtLoad ? { NODE_OPTIONS: '--enable-source-maps' } : {};
}

/** The function's own settings; runtime, architecture, bundling, logging and role are fixed by AppFunction. */
export type AppFunctionProps = Pick<
  NodejsFunctionProps,
  'description' | 'environment' | 'memorySize' | 'timeout'
> & {
  /** Path of the handler module, relative to the repository root, e.g. `functions/health/handler.ts`. */
  entry: string;
  /** Whether Node loads the source map at start (--enable-source-maps); default true. */
  sourceMapsAtLoad?: boolean;
};

/** A Node.js Lambda function with the house defaults: newest runtime, ARM64, ESM bundle, own log group and role. */
export class AppFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    // The log group and role must exist before the function, so they are siblings rather than children.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      // Function logs live and die with their function, so redeploying or removing code leaves no orphans.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose logs:* actions apply to every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: props.description,
      entry: `${projectRoot}${props.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: appRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      role,
      environment: { ...appEnvironment(props.sourceMapsAtLoad ?? true), ...props.environment },
      bundling: appBundling,
    });
  }
}
