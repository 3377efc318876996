/**
 * The environment the bench runs the bundles in: what the stack deploys every HTTP function with
 * (NODE_OPTIONS included, which changes how Node loads the bundle), plus the settings the HTTP
 * functions read, with local values. test/unit/bench-settings.test.ts holds it to the stack.
 */
import { routeKeysText } from '../functions/http/route-match.js';
import { routeList } from '../functions/http/routes.js';
import { defaults } from '../functions/shared/defaults.js';
import { appEnvironment, appRuntime } from '../lib/constructs/app-function.js';

/** What the functions read from their environment; the database endpoint is set per instance. */
export const functionEnv = {
  TABLE_NAME: 'partner-referrals-bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // Deployed functions fetch the key named by CURSOR_SECRET_ARN at their first request, not at import.
  CURSOR_SECRET: 'bench-cursor-secret',
  LEAD_RESPONSE_WINDOW: 'P14D',
  CONTACT_NOW_WINDOW: 'PT72H',
  REMINDER_BEFORE: 'PT48H',
  RECONCILE_GRACE: 'PT15M',
  REMINDER_RETRY: 'PT6H',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  PII_RETENTION: defaults.PII_RETENTION,
  FAIR_USE_WINDOW: defaults.FAIR_USE_WINDOW,
  // Counted (each request takes from a lease, as deployed; a lease of 20) but never refused: the bench is one client.
  FAIR_USE_SENDER_LIMIT: '1000000000',
  FAIR_USE_PARTNER_LIMIT: '1000000000',
  FAIR_USE_OVERRIDES: defaults.FAIR_USE_OVERRIDES,
  // The $default function's route keys, as the stack writes them; it reads them at import.
  ROUTE_KEYS: routeKeysText(routeList),
  CORS_PREFLIGHT: 'true',
  // Only sent to when a webhook is tested, never at import.
  WEBHOOK_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/partner-referrals-webhooks',
};

/**
 * A fresh process's whole environment for a cold import: the deployed one. Kept out of the bench's
 * own process, whose child processes (DynamoDB Local, the local runtime) are not Lambda functions.
 */
export const deployedEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  ...appEnvironment('http'),
  POWERTOOLS_SERVICE_NAME: 'partner-referrals',
  ...functionEnv,
});

/** The deployed variables the bench stands in for under another name. */
export const standIns: Readonly<Record<string, string>> = { CURSOR_SECRET_ARN: 'CURSOR_SECRET' };

/** The Node major of the deployed runtime (nodejs24.x -> 24). */
export const deployedNodeMajor = Number(/^nodejs(\d+)\.x$/.exec(appRuntime.name)?.[1] ?? Number.NaN);

/** Cold imports on another Node than the deployed one would measure something else: refuse them. */
export function assertDeployedNode(version = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (major !== deployedNodeMajor)
    throw new Error(
      `cold imports need Node ${deployedNodeMajor} like ${appRuntime.name}, not ${version}: run npm run bench (npm runs the node@${deployedNodeMajor} devDependency)`,
    );
}
