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

/** The esbuild configuration of the background functions (`FunctionKind`); the HTTP functions' differs in one setting. */
export const appBundling: BundlingOptions = {
  minify: true,
  // Linked maps ship with every bundle: background functions load them at start (NODE_OPTIONS below),
  // HTTP functions only at their first logged error (functions/shared/mapped-stack.ts).
  sourceMap: true,
  // The consumers log the errors of failed records by name (functions/stream/failures.ts), jose
  // names its errors after their class (the sender authorizer), and
  // errors name themselves after their class (DomainError: new.target.name), which minifying renames.
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

/**
 * The HTTP functions' esbuild configuration, which the bench builds with: the same without
 * `keepNames`. Keeping names wraps every function and class of a bundle in a `__name()` call at
 * import, about 0.02-0.03x of the floor's cold import on a lead function (README, cold start). An
 * HTTP function logs a domain error by its `code`, and what it bundles reads a class's name only
 * for error messages (zod's, smithy's), of built-in types (the SDK's binary check), or as a last
 * resort after the prototype and `shapeId` (smithy's `instanceof` of service exceptions).
 */
export const httpBundling: BundlingOptions = { ...appBundling, keepNames: false };

/**
 * How a function starts. An HTTP function (a route's, or `$default`) has a caller waiting on every
 * cold start and is held to the bench's cold-start budget. A background function is not: a stream
 * or queue consumer, a Cognito trigger, and the sender authorizer, whose answer API Gateway caches
 * per token; they log more, by error name, with mapped stacks.
 */
export type FunctionKind = 'http' | 'background';

/** The runtime every function runs on; the bench imports the bundles on the same Node major. */
export const appRuntime = Runtime.NODEJS_24_X;

/**
 * What a function's environment holds besides its own settings: whether Node maps its stack traces
 * at load. Loading the map costs every cold start about 17 ms (README, cold start): worth it for
 * the background functions, not for the HTTP functions, which map their rare logged error when it
 * happens. The bench runs the HTTP bundles with the same environment.
 */
export function appEnvironment(kind: FunctionKind): Readonly<Record<string, string>> {
  return kind === 'background' ? { NODE_OPTIONS: '--enable-source-maps' } : {};
}

/** How a function of this kind is bundled. */
export const bundlingOf = (kind: FunctionKind): BundlingOptions =>
  kind === 'http' ? httpBundling : appBundling;

/** The function's own settings; runtime, architecture, bundling, logging and role are fixed by AppFunction. */
export type AppFunctionProps = Pick<
  NodejsFunctionProps,
  'description' | 'environment' | 'memorySize' | 'timeout'
> & {
  /** Path of the handler module, relative to the repository root, e.g. `functions/health/handler.ts`. */
  entry: string;
  /** How it is bundled and started (`bundlingOf`, `appEnvironment`); default background. */
  kind?: FunctionKind;
};

/** A Node.js Lambda function with the house defaults: newest runtime, ARM64, ESM bundle, own log group and role. */
export class AppFunction extends NodejsFunction {
  /** How it is bundled and started: the bench builds and imports the HTTP functions alike. */
  readonly kind: FunctionKind;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const kind = props.kind ?? 'background';
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
      environment: { ...appEnvironment(kind), ...props.environment },
      bundling: bundlingOf(kind),
    });
    this.kind = kind;
  }
}
