/**
 * `npm start`: the whole system on this machine, no AWS account. DynamoDB Local (Streams, TTL emulated),
 * a local SES, the table from the stack's own definition, the two local senders, and the same
 * Lambda handlers behind a local HTTP server built from the same route table.
 *
 * What does not depend on each other starts at once (DynamoDB Local's JVM, SES local, the
 * signing key, the handlers' modules), and each step prints a line with its time as it completes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TIMER_SORT_KEY } from '../functions/adapters/dynamodb/keys.js';
import { durationMs } from '../functions/domain/duration.js';
import type { HttpHandler } from '../functions/http/route-handler.js';
import { queueDefinitions } from '../functions/queue/definitions.js';
import { defaults } from '../functions/shared/defaults.js';
import { ensureConsoleBuilt, serveConsole } from './console-assets.js';
import { localSignIn } from './console-sign-in.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { assertPortFree } from './ports.js';
import { localSenders } from './senders.js';
import { localQueueUrl } from './sqs-server.js';
import { streamControl } from './stream-control.js';
import type { StreamPoller } from './stream-poller.js';

// The rest (the SDK, zod, the server) is imported below, while DynamoDB Local's JVM starts.
const env = process.env;
const root = process.cwd();
const stateDir = join(root, '.local');

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function portOf(variable: string, fallback: number): number {
  const raw = env[variable];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    fail(`${variable} must be a port number, not "${raw}"`);
  return port;
}

const port = portOf('PORT', 3000);
const dynamoPort = portOf('DYNAMODB_PORT', 8000);
const sesPort = portOf('SES_PORT', 8005);
const sqsPort = portOf('SQS_PORT', 8006);
const inMemory = env.LOCAL_IN_MEMORY === '1' || env.LOCAL_IN_MEMORY === 'true';
// The fault and metering proxy in front of DynamoDB Local (local/dynamodb-proxy.ts): off unless a
// port or a throttle is given; the functions then reach the table only through it.
const throttle = env.LOCAL_DYNAMODB_THROTTLE ? Number(env.LOCAL_DYNAMODB_THROTTLE) : 0;
if (!(throttle >= 0 && throttle <= 1))
  fail(`LOCAL_DYNAMODB_THROTTLE must be a fraction from 0 to 1, not "${env.LOCAL_DYNAMODB_THROTTLE}"`);
const proxyPort =
  env.LOCAL_DYNAMODB_PROXY_PORT || throttle > 0 ? portOf('LOCAL_DYNAMODB_PROXY_PORT', 8007) : undefined;
for (const variable of [
  'LEAD_RESPONSE_WINDOW',
  'CONTACT_NOW_WINDOW',
  'REMINDER_BEFORE',
  'RECONCILE_INTERVAL',
  'RECONCILE_GRACE',
  'REMINDER_RETRY',
  'LOCAL_TTL_INTERVAL',
  'EMAIL_RETRY_BASE',
  'EMAIL_RETRY_CAP',
  'CONFIRMATION_TTL',
  'CONFIRMATION_RESEND_AFTER',
  'WEBHOOK_QUEUE_RETRY_BASE',
  'WEBHOOK_QUEUE_RETRY_CAP',
  'FAIR_USE_WINDOW',
  'PII_RETENTION',
]) {
  const value = env[variable];
  if (value) {
    try {
      durationMs(value);
    } catch {
      fail(`${variable} must be an ISO 8601 duration such as P14D or PT30S, not "${value}"`);
    }
  }
}

for (const part of (env.WEBHOOK_RETRY_SCHEDULE ?? '')
  .split(',')
  .filter((p) => env.WEBHOOK_RETRY_SCHEDULE && p)) {
  try {
    durationMs(part.trim());
  } catch {
    fail(
      `WEBHOOK_RETRY_SCHEDULE must be ISO 8601 durations separated by commas, such as PT5S,PT5M, not "${env.WEBHOOK_RETRY_SCHEDULE}"`,
    );
  }
}

await Promise.all([
  assertPortFree(port, 'PORT'),
  assertPortFree(dynamoPort, 'DYNAMODB_PORT'),
  assertPortFree(sesPort, 'SES_PORT'),
  assertPortFree(sqsPort, 'SQS_PORT'),
  ...(proxyPort === undefined ? [] : [assertPortFree(proxyPort, 'LOCAL_DYNAMODB_PROXY_PORT')]),
]).catch((error: Error) => fail(error.message));

mkdirSync(stateDir, { recursive: true });
// The partner console is served from the API's origin; normally npm's prepare step has built it.
const consoleBuilt = ensureConsoleBuilt((line) => console.log(line));
/** A stable cursor key across restarts, so a persisted database's cursors keep working. */
function cursorSecret(): string {
  const file = join(stateDir, 'cursor-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

const tableName = env.TABLE_NAME || 'partner-referrals-local';
const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
// What the deployed functions get from their environment, pointed at the local services.
Object.assign(env, {
  TABLE_NAME: tableName,
  DYNAMODB_ENDPOINT: proxyPort === undefined ? dynamoEndpoint : `http://127.0.0.1:${proxyPort}`,
  SES_ENDPOINT: `http://127.0.0.1:${sesPort}`,
  SQS_ENDPOINT: `http://127.0.0.1:${sqsPort}`,
  EMAIL_QUEUE_URL: localQueueUrl(sqsPort, queueDefinitions.emails.name),
  SES_EVENTS_QUEUE_URL: localQueueUrl(sqsPort, queueDefinitions.sesEvents.name),
  WEBHOOK_QUEUE_URL: localQueueUrl(sqsPort, queueDefinitions.webhooks.name),
  // Partner apps on this machine may receive webhooks at http://127.0.0.1:<port> (never on AWS).
  WEBHOOK_ALLOW_LOCAL_HTTP: '1',
  // Confirmation links point at this API, so the flow works end to end on this machine.
  PUBLIC_API_URL: env.PUBLIC_API_URL || `http://localhost:${port}`,
  // TTL here runs every second: the reconciler need not wait the deployed 15 minutes for it.
  RECONCILE_GRACE: env.RECONCILE_GRACE || 'PT5S',
  AWS_REGION: env.AWS_REGION || 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  CURSOR_SECRET: env.CURSOR_SECRET || cursorSecret(),
  POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL || 'WARN',
  POWERTOOLS_DEV: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'local',
  // Links in partner emails open the local console.
  PARTNER_CONSOLE_URL: env.PARTNER_CONSOLE_URL || `http://localhost:${port}/leads`,
});

// Everything started so far, stopped in reverse order on Ctrl-C, SIGTERM or a failed start.
const stops: Array<() => Promise<void>> = [];
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const s of stops.reverse()) await s().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// A SIGTERM sent to the npm start process reaches only npm's shell, which dies of it without passing
// it on (npm -> sh -> this node). Losing the parent is the signal then: stop, and every child with us.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void stop();
}, 200).unref();
process.on('uncaughtException', (error) => {
  console.error(error);
  void stop(1);
});

/** Seconds since `since`, by default since this process started. */
const seconds = (since = 0) => ((performance.now() - since) / 1000).toFixed(1);
/** Runs one step of the start and prints a line when it completes, with how long it took. */
async function step<T>(done: string, work: () => Promise<T>): Promise<T> {
  const at = performance.now();
  const result = await work();
  console.log(`  ${done} (${seconds(at)} s)`);
  return result;
}

/** The handler module of a function, imported once (the same module the API and consumers get). */
const handlerOf = async (name: string): Promise<HttpHandler> =>
  (await import(`../functions/${name}/handler.ts`)).handler;

console.log(
  `Starting Partner Referrals (API on port ${port}, DynamoDB Local on ${dynamoPort}, SES on ${sesPort}, queues on ${sqsPort})…`,
);
try {
  if (proxyPort !== undefined) {
    await step(
      `DynamoDB proxy for the functions at http://127.0.0.1:${proxyPort} (throttling ${Math.round(throttle * 100)} %; meter: GET /_local/dynamodb)`,
      async () => {
        const { startDynamoDbProxy } = await import('./dynamodb-proxy.js');
        const proxy = await startDynamoDbProxy({ port: proxyPort, upstreamPort: dynamoPort, throttle });
        stops.push(() => proxy.close());
      },
    );
  }
  const [dynamo, , sqs, signer, modules] = await settleAll([
    step(`DynamoDB Local up at ${dynamoEndpoint}`, async () => {
      const dynamo = await startDynamoDbLocal({
        port: dynamoPort,
        ...(inMemory ? {} : { dataDir: join(stateDir, 'dynamodb') }),
      });
      stops.push(() => dynamo.stop());
      return dynamo;
    }),
    step(`SES local up at http://localhost:${sesPort}`, async () => {
      // aws-ses-v2-local is CommonJS with an ES-module-style default export; importing it takes
      // longer than anything but the JVM, so it loads while DynamoDB Local starts.
      const module = await import('aws-ses-v2-local');
      const sesLocal =
        (module.default as unknown as { default?: typeof module.default }).default ?? module.default;
      // On a private port (0: the OS picks one at bind time), behind a proxy that can simulate an
      // outage (npm run ses).
      const ses = await sesLocal({ host: '127.0.0.1', port: 0 });
      stops.push(() => new Promise((resolve) => ses.close(() => resolve())));
      const address = ses.address();
      const { startSesProxy } = await import('./ses-proxy.js');
      const proxy = await startSesProxy({
        port: sesPort,
        upstreamPort: typeof address === 'object' && address ? address.port : 0,
      });
      stops.push(() => proxy.close());
    }),
    step(
      `queues up at http://127.0.0.1:${sqsPort} (emails, ses-events, webhook-deliveries, dead letters)`,
      async () => {
        const { startLocalSqs } = await import('./sqs-server.js');
        const sqs = await startLocalSqs({
          port: sqsPort,
          definitions: Object.values(queueDefinitions),
          ...(inMemory ? {} : { dataDir: join(stateDir, 'queues') }),
        });
        stops.push(() => sqs.close());
        return sqs;
      },
    ),
    import('./jwt.js').then(({ localSigner }) => localSigner()),
    runtimeModules(),
    step('handlers loaded', async () => {
      const { routeList } = await import('../functions/http/routes.js');
      const names = [
        ...routeList.map((r) => r.name),
        'archiver',
        'notifier',
        'reconciler',
        'email-sender',
        'ses-events',
        'insights-aggregator',
        'search-indexer',
        'webhook-events',
        'webhook-sender',
      ];
      return Promise.all(names.map(handlerOf));
    }),
  ]);
  const {
    DynamoDBClient,
    DynamoDBDocumentClient,
    LeadRepository,
    tableDefinition,
    consumerFilters,
    LOCAL_PARTNER_CLIENT,
    startLocalApi,
    startStreamPoller,
    ensureTable,
    startTtlEmulator,
    documentClient,
    enforceGrants,
    asFunction,
  } = modules;

  // The deployed grants, enforced on what the handlers send (LOCAL_IAM=off to switch it off).
  if (env.LOCAL_IAM !== 'off') enforceGrants(documentClient, (line) => console.error(line));
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await step(
    `table ${tableName} ready, senders ${localSenders.map((s) => s.id).join(', ')} registered`,
    async () => {
      await ensureTable(client, tableName);
      const repository = new LeadRepository(DynamoDBDocumentClient.from(client), tableName);
      await Promise.all(localSenders.map((sender) => repository.senders.register(sender, sender.id)));
    },
  );

  // Set once the stream consumers run (`/local/stream` pauses and resumes them).
  let streamPoller: StreamPoller | undefined;
  await settleAll([
    step(
      'stream consumers running (archiver, notifier, insights aggregator, search indexer, webhook events; TTL emulated)',
      async () => {
        // DynamoDB Local runs no TTL on a table with GSIs: the emulator stands in for DynamoDB's TTL process.
        const ttl = await startTtlEmulator({
          client,
          tableName,
          attribute: tableDefinition.timeToLiveAttribute,
          intervalMs: durationMs(env.LOCAL_TTL_INTERVAL || 'PT1S'),
          writeOnce: (key) => key.sk === TIMER_SORT_KEY,
          log: (line) => console.error(line),
        });
        stops.push(() => ttl.stop());
        // The stream consumers, fed from DynamoDB Local's stream with the stack's own filters.
        const poller = await startStreamPoller({
          isTtlDeletion: (pk, sk) => ttl.deletedByTtl(pk, sk),
          observe: (record) => ttl.observe(record),
          endpoint: dynamo.endpoint,
          tableName,
          failedRecordsFile: join(stateDir, 'failed-stream-records.jsonl'),
          consumers: (
            [
              ['archiver', 'archiver'],
              ['notifier', 'notifier'],
              ['insightsAggregator', 'insights-aggregator'],
              ['searchIndexer', 'search-indexer'],
              ['webhookEvents', 'webhook-events'],
            ] as const
          ).map(([name, folder]) => ({
            name,
            filters: consumerFilters[name],
            load: async () => (await import(`../functions/${folder}/handler.ts`)).handler,
          })),
          log: (line) => console.error(line),
        });
        stops.push(() => poller.stop());
        streamPoller = poller;
      },
    ),
    step(`API listening on http://localhost:${port}`, async () => {
      const api = await startLocalApi({
        port,
        signer,
        audiences: () => [LOCAL_PARTNER_CLIENT, ...localSenders.map((s) => s.id)],
        loadHandler: (route) => handlerOf(route.name),
        beside: async (request, response, url) =>
          (await localSignIn(signer, request, response, url)) ||
          (await streamControl(() => streamPoller, request, response, url)) ||
          serveConsole(request, response, url),
        ...(env.LOCAL_QUIET === '1' ? {} : { log: (line: string) => console.log(line) }),
      });
      stops.push(() => api.close());
    }),
  ]);

  // The queue consumers, fed as Lambda's SQS event-source mappings feed them.
  const { startQueuePoller } = await import('./queue-poller.js');
  for (const [queue, name] of [
    ['emails', 'email-sender'],
    ['sesEvents', 'ses-events'],
    ['webhooks', 'webhook-sender'],
  ] as const) {
    const definition = queueDefinitions[queue];
    const poller = startQueuePoller({
      queue: sqs.queue(definition.name),
      name,
      batchSize: definition.batchSize,
      concurrency: definition.maxConcurrency,
      load: async () => (await import(`../functions/${name}/handler.ts`)).handler,
      log: (line) => console.error(line),
    });
    stops.push(() => poller.stop());
  }

  // The scheduled reconciler, on a short interval.
  const reconcileMs = durationMs(env.RECONCILE_INTERVAL || 'PT5S');
  let reconciling = Promise.resolve();
  const timer = setInterval(() => {
    reconciling = reconciling
      .then(async () => {
        const { handler } = await import('../functions/reconciler/handler.js');
        const { traced } = await import('./trace.js');
        await traced('reconciler', 1, () => asFunction('reconciler', () => handler()));
      })
      .catch((error: Error) => console.error(`reconciler: ${error.message}`));
  }, reconcileMs);
  stops.push(async () => {
    clearInterval(timer);
    await reconciling;
  });

  console.log(`Partner Referrals is running (ready in ${seconds()} s)
  API            http://localhost:${port}   (health: /v1/health, OpenAPI: /openapi.json)
  Console        http://localhost:${port}/   ${consoleBuilt ? '(sign in by picking a partner, role and user)' : '(not built: npm run build:console)'}
  DynamoDB Local ${dynamo.endpoint}   table ${tableName}${inMemory ? ' (in memory)' : ' (data in .local/dynamodb)'}
  SES inbox      http://localhost:${sesPort}/   (JSON: /store; outage and bounce simulation: npm run ses)
  Queues         http://127.0.0.1:${sqsPort}   emails, ses-events, webhook-deliveries and their dead letters${inMemory ? ' (in memory)' : ' (in .local/queues)'}; npm run dlq -- list
  Windows        respond within ${env.LEAD_RESPONSE_WINDOW || defaults.LEAD_RESPONSE_WINDOW}, contact-now for ${env.CONTACT_NOW_WINDOW || defaults.CONTACT_NOW_WINDOW}, reminder ${env.REMINDER_BEFORE || defaults.REMINDER_BEFORE} before
  Fair use       ${env.FAIR_USE_SENDER_LIMIT || defaults.FAIR_USE_SENDER_LIMIT} requests per sender, ${env.FAIR_USE_PARTNER_LIMIT || defaults.FAIR_USE_PARTNER_LIMIT} per partner, per ${env.FAIR_USE_WINDOW || defaults.FAIR_USE_WINDOW}${env.FAIR_USE_OVERRIDES ? ` (overrides ${env.FAIR_USE_OVERRIDES})` : ''}
  Personal data  erased ${env.PII_RETENTION || defaults.PII_RETENTION} after archiving (by the reconciler); on request: npm run erase -- --email <address>
  Expiry         TTL stream -> archiver; reconciler every ${env.RECONCILE_INTERVAL || 'PT5S'}
  Webhooks       POST /v1/webhooks with an https URL or http://127.0.0.1:<port>; retries ${env.WEBHOOK_RETRY_SCHEDULE || defaults.WEBHOOK_RETRY_SCHEDULE}
                 example receiver: npm run webhook-receiver -- --port 4010 --secret <whsec_…>
  Tokens         npm run --silent token -- --partner contoso --role referrals-admin
                 npm run --silent token -- --sender microsoft-marketing
Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  await stop(1);
}

/** What the local runtime needs once DynamoDB Local is up, imported while it starts. */
async function runtimeModules() {
  const [
    dynamodb,
    lib,
    repository,
    table,
    filters,
    claims,
    httpServer,
    poller,
    localTable,
    ttl,
    client,
    iam,
  ] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('../functions/adapters/dynamodb/lead-repository.js'),
    import('../functions/adapters/dynamodb/table-definition.js'),
    import('../functions/stream/filters.js'),
    import('./claims.js'),
    import('./http-server.js'),
    import('./stream-poller.js'),
    import('./table.js'),
    import('./ttl-emulator.js'),
    // The handlers' own document client: the local IAM check goes on it.
    import('../functions/adapters/dynamodb/client.js'),
    import('./iam-check.js'),
  ]);
  return {
    DynamoDBClient: dynamodb.DynamoDBClient,
    DynamoDBDocumentClient: lib.DynamoDBDocumentClient,
    LeadRepository: repository.LeadRepository,
    tableDefinition: table.tableDefinition,
    consumerFilters: filters.consumerFilters,
    LOCAL_PARTNER_CLIENT: claims.LOCAL_PARTNER_CLIENT,
    startLocalApi: httpServer.startLocalApi,
    startStreamPoller: poller.startStreamPoller,
    ensureTable: localTable.ensureTable,
    startTtlEmulator: ttl.startTtlEmulator,
    documentClient: client.documentClient,
    enforceGrants: iam.enforceGrants,
    asFunction: iam.asFunction,
  };
}

/**
 * Like Promise.all, but waits for every step before failing with the first error, so whatever a
 * sibling started is in `stops` by then (DynamoDB Local's JVM is a child process that would
 * otherwise outlive us).
 */
async function settleAll<T extends readonly unknown[] | []>(steps: T) {
  await Promise.allSettled(steps);
  return Promise.all(steps);
}
