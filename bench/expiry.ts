/**
 * Part 4 (issue 3): many leads expiring at once. A whole local runtime (`local/start.ts`: TTL
 * emulator, stream poller, archiver, notifier, email queue and sender, reconciler, local SES) holds N received leads that
 * share one deadline; the clock starts when it passes and stops when every lead
 * is stored as archived/expired and its sender's email has reached SES. Next to it, a plain loop
 * of N UpdateItem calls on the same table: on the very lead items (each write maintains the same
 * indexes an archive does), and, for reference, on small items no index holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulidx';
import { leadKey, partnerStagePk, partnerTabPrefix } from '../functions/adapters/dynamodb/keys.js';
import { LeadRepository } from '../functions/adapters/dynamodb/lead-repository.js';
import { indexes } from '../functions/adapters/dynamodb/table-definition.js';
import { receive } from '../functions/domain/lifecycle.js';
import { freePort } from '../local/ports.js';

export interface ExpiryResult {
  leads: number;
  createSeconds: number;
  archivedSeconds: number;
  emailedSeconds: number;
  /** The same lead items, one UpdateItem each: the floor of touching every lead once. */
  loopSeconds: number;
  /** Small items that no index holds: the floor of a write on this DynamoDB Local at all. */
  smallLoopSeconds: number;
}

const TABLE = 'partner-referrals-local';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startRuntime(
  root: string,
  ports: { api: number; dynamo: number; ses: number; sqs: number },
  windowSeconds: number,
  extraEnv: Record<string, string> = {},
) {
  const child = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        // The bench and the soak are one sender and a few partners at a rate no real client keeps:
        // fair use off unless the environment sets it (README "Fair use").
        FAIR_USE_SENDER_LIMIT: '0',
        FAIR_USE_PARTNER_LIMIT: '0',
        ...process.env,
        TABLE_NAME: TABLE,
        LOCAL_IN_MEMORY: '1',
        LOCAL_QUIET: '1',
        PORT: String(ports.api),
        DYNAMODB_PORT: String(ports.dynamo),
        SES_PORT: String(ports.ses),
        SQS_PORT: String(ports.sqs),
        LEAD_RESPONSE_WINDOW: `PT${windowSeconds}S`,
        REMINDER_BEFORE: 'P1D',
        RECONCILE_INTERVAL: process.env.BENCH_RECONCILE ?? 'PT2S',
        // As deployed, the reconciler leaves deadlines younger than its grace to TTL (here: the emulator).
        RECONCILE_GRACE: process.env.BENCH_RECONCILE_GRACE ?? 'PT60S',
        LOCAL_TTL_INTERVAL: process.env.BENCH_TTL ?? 'PT1S',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...extraEnv,
      },
    },
  );
  let output = '';
  // BENCH_RUNTIME_LOG=<file>: everything the runtime prints, for when a run goes wrong.
  const logFile = process.env.BENCH_RUNTIME_LOG;
  child.stdout?.on('data', (d) => {
    output += d;
    if (logFile) appendFileSync(logFile, d);
  });
  child.stderr?.on('data', (d) => {
    output += d;
    if (logFile) appendFileSync(logFile, d);
  });
  const deadline = Date.now() + 40_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`local runtime exited: ${output}`);
    const up = await fetch(`http://127.0.0.1:${ports.api}/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (Date.now() > deadline) throw new Error(`local runtime did not start: ${output}`);
    await sleep(200);
  }
}

export function stopRuntime(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || !child.pid) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 8000).unref();
  });
}

/** Runs `work` over `items` with at most `width` in flight. */
export async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function expiryBench(
  root: string,
  leads: number,
  log: (line: string) => void,
): Promise<ExpiryResult> {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
  };
  // Long enough to write every lead before the shared deadline.
  const windowSeconds = Math.max(30, Math.ceil(leads / 40));
  log(`expiry: starting a local runtime (window PT${windowSeconds}S)`);
  const child = await startRuntime(root, ports, windowSeconds);
  const endpoint = `http://127.0.0.1:${ports.dynamo}`;
  const ses = `http://127.0.0.1:${ports.ses}`;
  try {
    // Every lead gets the same deadline, so they all expire at once. They are written through the
    // repository (lead + TTL timer, one transaction each), as POST /v1/leads writes them.
    const partnerId = 'bench-expiry';
    const document = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const repository = new LeadRepository(document, TABLE);
    const sender = { id: 'microsoft-marketing', kind: 'microsoft' as const, name: 'Microsoft Marketing' };
    const newId = monotonicFactory();
    const deadline = Date.now() + windowSeconds * 1000;
    log(`expiry: writing ${leads} leads that all expire at ${new Date(deadline).toISOString()}`);
    const createStart = performance.now();
    const ids: string[] = [];
    await pool(
      Array.from({ length: leads }, (_, i) => i),
      32,
      async (i) => {
        const now = new Date();
        const lead = receive(
          {
            partnerId,
            type: i % 2 ? 'customer-inquiry' : 'sales-qualified',
            customer: {
              companyName: `Company ${i}`,
              contactName: 'Ana',
              email: `c${i}@example.com`,
              country: 'IT',
            },
            need: { title: `Need ${i}` },
            contactRequested: false,
          },
          {
            id: newId(now.getTime()),
            now,
            sender,
            windows: { responseMs: deadline - now.getTime(), contactNowMs: 0, reminderMs: 0 },
          },
        );
        await repository.create({ ...lead, respondBy: new Date(deadline).toISOString(), remindAt: null });
        ids.push(lead.id);
      },
    );
    const createSeconds = (performance.now() - createStart) / 1000;
    const lastDeadline = deadline;
    if (lastDeadline <= Date.now()) throw new Error('the window closed before every lead was in: raise it');

    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
      }),
    );
    const archived = async () => {
      let count = 0;
      for (const tab of ['marketplace', 'qualified'] as const) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: TABLE,
              IndexName: indexes.byPartnerStage.name,
              KeyConditionExpression: `${indexes.byPartnerStage.partitionKey} = :pk AND begins_with(${indexes.byPartnerStage.sortKey}, :tab)`,
              ExpressionAttributeValues: {
                ':pk': partnerStagePk(partnerId, 'archived'),
                ':tab': partnerTabPrefix(tab),
              },
              Select: 'COUNT',
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          count += page.Count ?? 0;
          start = page.LastEvaluatedKey;
        } while (start);
      }
      return count;
    };
    const emailed = async () => {
      const store = (await (await fetch(`${ses}/store`)).json()) as { emails: Array<{ subject: string }> };
      return store.emails.filter((e) => / expired: /.test(e.subject)).length;
    };

    await sleep(Math.max(0, lastDeadline - Date.now()));
    log('expiry: every deadline has passed; waiting for the archiver, the reconciler and the notifier');
    const t0 = performance.now();
    let archivedSeconds = Number.NaN;
    let emailedSeconds = Number.NaN;
    while (
      performance.now() - t0 < 300_000 &&
      (Number.isNaN(archivedSeconds) || Number.isNaN(emailedSeconds))
    ) {
      const elapsed = (performance.now() - t0) / 1000;
      if (Number.isNaN(archivedSeconds) && (await archived()) >= leads) archivedSeconds = elapsed;
      if (Number.isNaN(emailedSeconds) && (await emailed()) >= leads) emailedSeconds = elapsed;
      await sleep(250);
    }

    const raw = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    const loop = async (keyOf: (i: number) => { pk: string; sk: string }) => {
      const start = performance.now();
      for (let i = 0; i < leads; i++) {
        const { pk, sk } = keyOf(i);
        await raw.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: { S: pk }, sk: { S: sk } },
            UpdateExpression: 'SET benchTouched = :n',
            ExpressionAttributeValues: { ':n': { N: String(i) } },
          }),
        );
      }
      return (performance.now() - start) / 1000;
    };
    log(`expiry: a plain loop of ${leads} UpdateItem calls on the same lead items`);
    const loopSeconds = await loop((i) => leadKey(ids[i]!));
    log(`expiry: a plain loop of ${leads} UpdateItem calls on small unindexed items`);
    const smallLoopSeconds = await loop((i) => ({ pk: `BENCH#${i}`, sk: 'BENCH' }));
    return { leads, createSeconds, archivedSeconds, emailedSeconds, loopSeconds, smallLoopSeconds };
  } finally {
    await stopRuntime(child);
  }
}
