/**
 * `npm start`: the whole system on this machine, no AWS account. DynamoDB Local (TTL + Streams),
 * a local SES, the table from the stack's own definition, the two local senders, and the same
 * Lambda handlers behind a local HTTP server built from the same route table.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import sesLocalModule from 'aws-ses-v2-local';
import { LeadRepository } from '../functions/adapters/dynamodb/lead-repository.js';
import { tableDefinition } from '../functions/adapters/dynamodb/table-definition.js';
import { durationMs } from '../functions/domain/duration.js';
import { consumerFilters } from '../functions/stream/filters.js';
import { ensureConsoleBuilt, serveConsole } from './console-assets.js';
import { localSignIn } from './console-sign-in.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startLocalApi } from './http-server.js';
import { LOCAL_PARTNER_CLIENT, localSigner } from './jwt.js';
import { assertPortFree } from './ports.js';
import { localSenders } from './senders.js';
import { startStreamPoller } from './stream-poller.js';
import { ensureTable } from './table.js';
import { startTtlEmulator } from './ttl-emulator.js';

const started = performance.now();
// aws-ses-v2-local is CommonJS with an ES-module-style default export.
const sesLocal = (sesLocalModule as unknown as { default?: typeof sesLocalModule }).default ?? sesLocalModule;
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
const inMemory = env.LOCAL_IN_MEMORY === '1' || env.LOCAL_IN_MEMORY === 'true';
for (const variable of [
  'LEAD_RESPONSE_WINDOW',
  'CONTACT_NOW_WINDOW',
  'REMINDER_BEFORE',
  'RECONCILE_INTERVAL',
  'LOCAL_TTL_INTERVAL',
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

const java = spawnSync('java', ['-version']);
if (java.error || java.status !== 0) {
  fail(
    'Java 17+ is required for DynamoDB Local: install a JRE (e.g. apt-get install openjdk-17-jre-headless) and retry',
  );
}
await Promise.all([
  assertPortFree(port, 'PORT'),
  assertPortFree(dynamoPort, 'DYNAMODB_PORT'),
  assertPortFree(sesPort, 'SES_PORT'),
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
const dynamo = await startDynamoDbLocal({
  port: dynamoPort,
  ...(inMemory ? {} : { dataDir: join(stateDir, 'dynamodb') }),
}).catch((error: Error) => fail(error.message));
const stops: Array<() => Promise<void>> = [() => dynamo.stop()];

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const s of stops.reverse()) await s().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('uncaughtException', (error) => {
  console.error(error);
  void stop(1);
});

try {
  const ses = await sesLocal({ host: '127.0.0.1', port: sesPort });
  stops.push(() => new Promise((resolve) => ses.close(() => resolve())));

  // What the deployed functions get from their environment, pointed at the local services.
  Object.assign(env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SES_ENDPOINT: `http://127.0.0.1:${sesPort}`,
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

  const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await ensureTable(client, tableName);
  const repository = new LeadRepository(DynamoDBDocumentClient.from(client), tableName);
  for (const sender of localSenders) await repository.registerSender(sender, sender.id);

  const signer = await localSigner();
  const api = await startLocalApi({
    port,
    signer,
    audiences: () => [LOCAL_PARTNER_CLIENT, ...localSenders.map((s) => s.id)],
    loadHandler: async (route) => (await import(`../functions/${route.name}/handler.ts`)).handler,
    ...(env.LOCAL_QUIET === '1' ? {} : { log: (line: string) => console.log(line) }),
    beside: async (request, response, url) =>
      (await localSignIn(signer, request, response, url)) || serveConsole(request, response, url),
  });
  stops.push(() => api.close());

  // DynamoDB Local runs no TTL on a table with GSIs: the emulator stands in for DynamoDB's TTL process.
  const ttl = await startTtlEmulator({
    client,
    tableName,
    attribute: tableDefinition.timeToLiveAttribute,
    intervalMs: durationMs(env.LOCAL_TTL_INTERVAL || 'PT1S'),
    log: (line) => console.error(line),
  });
  stops.push(() => ttl.stop());

  // The stream consumers, fed from DynamoDB Local's stream with the stack's own filters.
  const poller = await startStreamPoller({
    isTtlDeletion: (pk, sk) => ttl.claim(pk, sk),
    observe: (record) => ttl.observe(record),
    endpoint: dynamo.endpoint,
    tableName,
    failedRecordsFile: join(stateDir, 'failed-stream-records.jsonl'),
    consumers: (['archiver', 'notifier'] as const).map((name) => ({
      name,
      filters: consumerFilters[name],
      load: async () => (await import(`../functions/${name}/handler.ts`)).handler,
    })),
    log: (line) => console.error(line),
  });
  stops.push(() => poller.stop());

  // The scheduled reconciler, on a short interval.
  const reconcileMs = durationMs(env.RECONCILE_INTERVAL || 'PT5S');
  const reconciler = (await import('../functions/reconciler/handler.js')).handler;
  let reconciling = Promise.resolve();
  const timer = setInterval(() => {
    reconciling = reconciling
      .then(async () => {
        await reconciler();
      })
      .catch((error: Error) => console.error(`reconciler: ${error.message}`));
  }, reconcileMs);
  stops.push(async () => {
    clearInterval(timer);
    await reconciling;
  });

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Partner Referrals is running (ready in ${seconds} s)
  API            http://localhost:${port}   (health: /v1/health, OpenAPI: /openapi.json)
  Console        http://localhost:${port}/   ${consoleBuilt ? '(sign in by picking a partner, role and user)' : '(not built: npm run build:console)'}
  DynamoDB Local ${dynamo.endpoint}   table ${tableName}${inMemory ? ' (in memory)' : ' (data in .local/dynamodb)'}
  SES inbox      http://localhost:${sesPort}/   (JSON: /store)
  Windows        respond within ${env.LEAD_RESPONSE_WINDOW || 'P14D'}, contact-now for ${env.CONTACT_NOW_WINDOW || 'PT72H'}, reminder ${env.REMINDER_BEFORE || 'PT48H'} before
  Expiry         TTL stream -> archiver; reconciler every ${env.RECONCILE_INTERVAL || 'PT5S'}
  Tokens         npm run --silent token -- --partner contoso --role referrals-admin
                 npm run --silent token -- --sender microsoft-marketing
Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  await stop(1);
}
