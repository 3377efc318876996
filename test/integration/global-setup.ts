/**
 * Starts three local runtimes (`local/start.ts`) for the integration project, each on free ports
 * with a throw-away database:
 *   main  - the default windows (P14D / PT72H)
 *   short - LEAD_RESPONSE_WINDOW=PT4S, CONTACT_NOW_WINDOW=PT2S, reminders, reconciler every second,
 *           customer data erased 15 s after archiving (PII_RETENTION=PT15S)
 *   ttl   - LEAD_RESPONSE_WINDOW=PT3S, reconciler all but off: expiry by TTL and the stream alone
 * Their base URLs reach the tests through process.env (inherited by the workers) and through
 * `.local/integration-env.<jest pid>.json` (named by INTEGRATION_ENV_FILE). Each runtime runs in
 * its own process group so that teardown (and a watchdog, should jest die without tearing down)
 * can end it together with its DynamoDB Local java child.
 *
 * Jest loads this file as CommonJS without the project's module mapping, so it imports nothing
 * from the application: the port probe and the key file mirror local/ports.ts and local/jwt.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = process.cwd();
/** Per jest process, so that two runs at once never read or end each other's runtimes. */
const envFile = join(root, '.local', `integration-env.${process.pid}.json`);
// Three runtimes (three JVMs) start at once on a shared two-core machine: give them room.
const STARTUP_MS = 90_000;

export interface Started {
  name: string;
  url: string;
  sesUrl: string;
  sqsUrl: string;
  dynamoPort: number;
  tableName: string;
  pid: number;
  dog: number | undefined;
  child: ChildProcess;
  output: () => string;
}

export interface IntegrationEnv {
  main: string;
  short: string;
  ttl: string;
  /** The local SES of each runtime (sent mail as JSON at /store, outages at /_local/outage). */
  mainSes: string;
  shortSes: string;
  ttlSes: string;
  /** The main runtime's local SQS endpoint (its queues are <endpoint>/000000000000/<name>). */
  mainSqs: string;
  /** The main runtime's DynamoDB Local port and table (operator commands run against them). */
  mainDynamoPort: number;
  mainTable: string;
  pids: number[];
  /** The watchdog of each runtime (see `watchdog`). */
  watchdogs: number[];
}

/** A port the OS considers free right now (as local/ports.ts `freePort`). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The local signing key (.local/jwt-signing-key.json, an ES256 private JWK as local/jwt.ts writes
 * it), created once here so that runtimes starting at once never race to create two keys.
 */
export function ensureSigningKey() {
  const file = join(root, '.local', 'jwt-signing-key.json');
  if (existsSync(file)) return;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', kid: `local-${Date.now()}` };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(jwk), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Every runtime process group this setup started, so a failed start can end them all. */
const spawned: number[] = [];

export function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function startRuntime(name: string, windows: Record<string, string>): Promise<Started> {
  const [port, dynamoPort, sesPort, sqsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, 'local/start.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      SES_PORT: String(sesPort),
      SQS_PORT: String(sqsPort),
      LOCAL_IN_MEMORY: '1',
      LOCAL_QUIET: '1',
      TABLE_NAME: `partner-referrals-it-${name}`,
      ...windows,
    },
  });
  spawned.push(child.pid!);
  const dog = watchdog(child.pid!);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited with ${signal ?? code}`;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (exit) throw new Error(`the ${name} runtime ${exit} before it was up:\n${output}`);
    try {
      const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child.pid!, 'SIGKILL');
      throw new Error(
        `the ${name} runtime did not answer /v1/health within ${STARTUP_MS / 1000} s:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    name,
    url,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    sqsUrl: `http://127.0.0.1:${sqsPort}`,
    dynamoPort,
    tableName: `partner-referrals-it-${name}`,
    pid: child.pid!,
    dog,
    child,
    output: () => output,
  };
}

/** A port taken between the probe and the runtime's own check is retried once, on new ports. */
export async function startWithRetry(name: string, windows: Record<string, string>): Promise<Started> {
  try {
    return await startRuntime(name, windows);
  } catch (error) {
    // A port can be taken between the probe and the bind (by another runtime, or as a client socket's port).
    if (!/port \d+ is busy|EADDRINUSE/.test((error as Error).message)) throw error;
    return startRuntime(name, windows);
  }
}

/**
 * Ends a runtime's process group if this jest process goes away without running the teardown
 * (killed, crashed, or interrupted during this very setup).
 */
function watchdog(pid: number): number | undefined {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM -${pid} 2>/dev/null; sleep 5; kill -KILL -${pid} 2>/dev/null`;
  const dog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.unref();
  return dog.pid;
}

export default async function globalSetup() {
  mkdirSync(join(root, '.local'), { recursive: true });
  ensureSigningKey();
  const results = await Promise.allSettled([
    // Failed emails retried within a second or two, so the SES-outage test is short.
    // One partner with a tiny fair-use limit (fair-use.test.ts); everyone else has the defaults.
    // Webhook retries after 1 s and 2 s, so the failed-first-attempt test sees its retry at once.
    startWithRetry('main', {
      EMAIL_RETRY_BASE: 'PT1S',
      EMAIL_RETRY_CAP: 'PT2S',
      FAIR_USE_OVERRIDES: 'partner:fair-use-probe=3',
      WEBHOOK_RETRY_SCHEDULE: 'PT1S,PT2S',
    }),
    // Reminders at 2 s, the reconciler every second: the reminder path and the reconciler's expiry.
    startWithRetry('short', {
      LEAD_RESPONSE_WINDOW: 'PT4S',
      CONTACT_NOW_WINDOW: 'PT2S',
      REMINDER_BEFORE: 'PT2S',
      RECONCILE_INTERVAL: 'PT1S',
      // Customer data of archived leads erased 15 s after archiving (erasure.test.ts).
      PII_RETENTION: 'PT15S',
    }),
    // The reconciler (all but) off: only the local TTL emulator (DynamoDB's TTL, see local/ttl-emulator.ts) and the stream can archive a lead here.
    startWithRetry('ttl', { LEAD_RESPONSE_WINDOW: 'PT3S', RECONCILE_INTERVAL: 'PT1H' }),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failed.length > 0) {
    for (const pid of spawned) killGroup(pid, 'SIGKILL');
    throw failed[0];
  }
  const [main, short, ttl] = started as [Started, Started, Started];
  for (const s of started) {
    // The teardown ends them; the pipes stay open (and drained) so a child never blocks on a full one.
    s.child.unref();
  }
  const env: IntegrationEnv = {
    main: main.url,
    short: short.url,
    ttl: ttl.url,
    mainSes: main.sesUrl,
    shortSes: short.sesUrl,
    ttlSes: ttl.sesUrl,
    mainSqs: main.sqsUrl,
    mainDynamoPort: main.dynamoPort,
    mainTable: main.tableName,
    pids: started.map((s) => s.pid),
    watchdogs: started.flatMap((s) => (s.dog === undefined ? [] : [s.dog])),
  };
  writeFileSync(envFile, JSON.stringify(env, null, 2));
  process.env.INTEGRATION_ENV_FILE = envFile;
  const { pids: _pids, watchdogs: _watchdogs, ...urls } = env;
  process.env.INTEGRATION_URLS = JSON.stringify(urls);
  Object.assign(globalThis, { __integration: { env, envFile, children: started.map((s) => s.child) } });
}
