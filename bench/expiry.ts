/**
 * Part 4 (issues 3 and 10): many leads expiring at once. A whole local runtime (`local/start.ts`:
 * TTL emulator, stream poller, archiver, notifier, email queue and sender, reconciler, local SES)
 * holds N received leads that share one deadline; the clock starts when it passes and stops when
 * every lead is stored as archived/expired and its sender's email has reached SES. Right after, in
 * the same runtime, a plain loop of N UpdateItem calls on the very lead items (each write
 * maintains the same indexes an archive does). Rounds repeat this with fresh leads, so each
 * pipeline is compared with a loop run moments later on the same machine and DynamoDB Local; at
 * the end, for reference, the loop on small items no index holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulidx';
import { leadKey, partnerStagePk, partnerTabPrefix } from '../functions/adapters/dynamodb/keys.js';
import { LeadRepository } from '../functions/adapters/dynamodb/lead-repository.js';
import { indexes } from '../functions/adapters/dynamodb/table-definition.js';
import { receive } from '../functions/domain/lifecycle.js';
import { freePort } from '../local/ports.js';

/** One round: N leads expiring at once, then the loop on the same lead items right after. */
export interface ExpiryRound {
  createSeconds: number;
  archivedSeconds: number;
  emailedSeconds: number;
  /** The same lead items, one UpdateItem each: the floor of touching every lead once. */
  loopSeconds: number;
  /** Expiry emails SES received for this round beyond one per lead (exactly once: 0). */
  duplicateEmails: number;
}

export interface ExpiryResult {
  leads: number;
  /** Pipeline and loop interleaved, in one runtime and one DynamoDB Local. */
  rounds: ExpiryRound[];
  /** Small items that no index holds: the floor of a write on this DynamoDB Local at all. */
  smallLoopSeconds: number;
}

/** What a round's pipeline took over its own loop: the later of archived and emailed. */
export const roundRatio = (round: ExpiryRound) =>
  Math.max(round.archivedSeconds, round.emailedSeconds) / round.loopSeconds;

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

const DAY_MS = 86_400_000;

export async function expiryBench(
  root: string,
  leads: number,
  rounds: number,
  log: (line: string) => void,
): Promise<ExpiryResult> {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
  };
  // The runtime's own window only matters for leads it takes in itself (none here): each round
  // writes its leads with a deadline of its own.
  log('expiry: starting a local runtime');
  // BENCH_EXPIRY_TRACE=<file>: the runtime traces its TTL, stream and queue work there (LOCAL_TRACE),
  // and each round prints where its time went.
  const traceFile = process.env.BENCH_EXPIRY_TRACE;
  if (traceFile) writeFileSync(traceFile, '');
  const child = await startRuntime(root, ports, 3600, {
    // The local runtime's own schedule (npm start's default; deployed: every minute). With the
    // bench's 60 s grace the reconciler has nothing to archive in a round (TTL gets every lead
    // within seconds), so every 2 s it only added its empty Queries (16 deadline shards, 16 reminder
    // shards, the erasure index) beside the pipeline.
    RECONCILE_INTERVAL: process.env.BENCH_RECONCILE ?? 'PT5S',
    ...(traceFile ? { LOCAL_TRACE: traceFile } : {}),
  });
  const endpoint = `http://127.0.0.1:${ports.dynamo}`;
  const ses = `http://127.0.0.1:${ports.ses}`;
  const credentials = { accessKeyId: 'b', secretAccessKey: 'b' };
  try {
    const document = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint, region: 'us-east-1', credentials }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const repository = new LeadRepository(document, TABLE);
    const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
    const sender = { id: 'microsoft-marketing', kind: 'microsoft' as const, name: 'Microsoft Marketing' };
    const newId = monotonicFactory();

    /** Writes `count` received leads of `partnerId` through the repository (lead + TTL timer, one transaction each), as POST /v1/leads does. */
    const write = async (partnerId: string, count: number, deadline: number) => {
      const ids: string[] = [];
      await pool(
        Array.from({ length: count }, (_, i) => i),
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
      return ids;
    };

    /** The partner's leads still stored as received: one partition of the byPartnerStage index. */
    const receivedOf = (partnerId: string) => ({
      TableName: TABLE,
      IndexName: indexes.byPartnerStage.name,
      KeyConditionExpression: `${indexes.byPartnerStage.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': partnerStagePk(partnerId, 'received') },
    });
    /**
     * Whether any lead of the partner is still stored as received: a Query for one item. Polled four
     * times a second beside the work it times, so it reads one index entry, not the whole partition
     * (a COUNT reads every remaining lead: up to 2,000 items a poll, work DynamoDB Local did beside
     * the pipeline and never beside the loop).
     */
    const anyStillReceived = async (partnerId: string) => {
      const page = await document.send(
        new QueryCommand({
          ...receivedOf(partnerId),
          ProjectionExpression: 'pk',
          Limit: 1,
        }),
      );
      return (page.Items?.length ?? 0) > 0;
    };
    /** Leads of the partner still stored as received (for the progress lines, every 5 s). */
    const stillReceived = async (partnerId: string) => {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await document.send(
          new QueryCommand({
            ...receivedOf(partnerId),
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    };
    /** Leads of the partner stored as archived (both tabs). */
    const archived = async (partnerId: string) => {
      let count = 0;
      for (const tab of ['marketplace', 'qualified'] as const) {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await document.send(
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
    /**
     * The expiry emails of a partner that reached SES, from the SES proxy's log of sent subjects
     * (`/_local/sent?after=`): a look costs the subjects sent since the last one, where `/store`
     * sent every email of the last whole second again, bodies and all, four times a second, from the
     * runtime the round is timing.
     */
    const inbox = (partnerId: string) => {
      const subject = new RegExp(`^Lead \\S+ expired: ${partnerId} did not answer$`);
      const leadsEmailed = new Set<string>();
      let emails = 0;
      let after = 0;
      return {
        async poll() {
          const log = (await (await fetch(`${ses}/_local/sent?after=${after}`)).json()) as {
            sent: number;
            subjects: string[];
          };
          after += log.subjects.length;
          for (const sent of log.subjects) {
            if (!subject.test(sent)) continue;
            emails += 1;
            leadsEmailed.add(sent);
          }
          return leadsEmailed.size;
        },
        duplicates: () => emails - leadsEmailed.size,
      };
    };
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

    // How fast this machine takes leads in right now: every round's window is sized from it, so
    // a loaded machine gets a longer wait rather than a round that starts before its leads are in.
    // (The first writes warm the runtime's consumers up; the rate is taken from those after them.)
    const probe = Math.min(200, leads);
    await write('bench-expiry-probe', 100, Date.now() + DAY_MS);
    const probeStart = performance.now();
    await write('bench-expiry-probe', probe, Date.now() + DAY_MS);
    let perLeadMs = (performance.now() - probeStart) / probe;

    const results: ExpiryRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Every lead of a round gets the same deadline, so they all expire at once.
      const partnerId = `bench-expiry-${round}`;
      const windowMs = Math.max(30_000, Math.ceil(2 * perLeadMs * leads) + 5_000);
      const deadline = Date.now() + windowMs;
      log(
        `expiry round ${round}/${rounds}: writing ${leads} leads that all expire at ${new Date(deadline).toISOString()}`,
      );
      const createStart = performance.now();
      const ids = await write(partnerId, leads, deadline);
      const createSeconds = (performance.now() - createStart) / 1000;
      perLeadMs = (createSeconds * 1000) / leads;
      if (deadline <= Date.now()) throw new Error('the window closed before every lead was in: raise it');
      const emails = inbox(partnerId);
      await emails.poll();

      await sleep(Math.max(0, deadline - Date.now()));
      log(`expiry round ${round}: every deadline has passed; waiting for the archiver and the notifier`);
      const t0 = performance.now();
      mark(traceFile, 'bench:deadline');
      let archivedSeconds = Number.NaN;
      let emailedSeconds = Number.NaN;
      let lastReport = 0;
      while (
        performance.now() - t0 < 300_000 &&
        (Number.isNaN(archivedSeconds) || Number.isNaN(emailedSeconds))
      ) {
        const elapsed = (performance.now() - t0) / 1000;
        // Nothing else moves these leads: none left received means all archived (checked below).
        if (Number.isNaN(archivedSeconds) && !(await anyStillReceived(partnerId))) archivedSeconds = elapsed;
        const sent = await emails.poll();
        if (Number.isNaN(emailedSeconds) && sent >= leads) emailedSeconds = elapsed;
        if (elapsed - lastReport >= 5) {
          lastReport = elapsed;
          const open = Number.isNaN(archivedSeconds) ? await stillReceived(partnerId) : 0;
          log(`expiry round ${round}: ${elapsed.toFixed(0)} s: ${leads - open} archived, ${sent} emailed`);
        }
        await sleep(250);
      }
      mark(traceFile, 'bench:pipeline-done');
      const stored = await archived(partnerId);
      if (stored < leads)
        throw new Error(`round ${round}: only ${stored} of ${leads} leads stored as archived`);

      log(`expiry round ${round}: a plain loop of ${leads} UpdateItem calls on the same lead items`);
      mark(traceFile, 'bench:loop');
      const loopSeconds = await loop((i) => leadKey(ids[i]!));
      mark(traceFile, 'bench:loop-done');
      // A second copy of an email would come late: one more look after the loop.
      await emails.poll();
      const result = {
        createSeconds,
        archivedSeconds,
        emailedSeconds,
        loopSeconds,
        duplicateEmails: emails.duplicates(),
      };
      log(`expiry round ${round}: ${JSON.stringify(result)} -> ${roundRatio(result).toFixed(2)}x`);
      if (traceFile) {
        // The runtime writes its trace a few times a second: let the round's last lines land.
        await sleep(500);
        for (const line of traceSummary(
          traceFile,
          deadline,
          deadline + 1000 * Math.max(archivedSeconds, emailedSeconds),
        ))
          log(`expiry round ${round} trace: ${line}`);
      }
      results.push(result);
    }
    log(`expiry: a plain loop of ${leads} UpdateItem calls on small unindexed items`);
    const smallLoopSeconds = await loop((i) => ({ pk: `BENCH#${i}`, sk: 'BENCH' }));
    return { leads, rounds: results, smallLoopSeconds };
  } finally {
    await stopRuntime(child);
  }
}

/** The bench's own steps in the runtime's trace, so the two line up. */
const mark = (file: string | undefined, what: string) => {
  if (file) appendFileSync(file, `${JSON.stringify({ at: Date.now(), what, count: 0 })}\n`);
};

/**
 * Where a round's time went, from the runtime's trace (local/trace.ts) between the deadline and the
 * end: per step, how many runs and items, the first and last (seconds after the deadline), and the
 * time its runs took in all.
 */
export function traceSummary(file: string, from: number, to: number): string[] {
  const steps = new Map<string, { runs: number; items: number; first: number; last: number; ms: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { at, what, count, ms } = JSON.parse(line) as {
      at: number;
      what: string;
      count: number;
      ms?: number;
    };
    const started = at - (ms ?? 0);
    if (at < from || started > to) continue;
    const step = steps.get(what) ?? { runs: 0, items: 0, first: started, last: at, ms: 0 };
    steps.set(what, step);
    step.runs += 1;
    step.items += count;
    step.first = Math.min(step.first, started);
    step.last = Math.max(step.last, at);
    step.ms += ms ?? 0;
  }
  return [...steps]
    .sort((a, b) => a[1].first - b[1].first)
    .map(
      ([what, s]) =>
        `${what}: ${s.runs} runs, ${s.items} items, ${((s.first - from) / 1000).toFixed(2)}-${((s.last - from) / 1000).toFixed(2)} s` +
        (s.ms > 0 ? `, busy ${(s.ms / 1000).toFixed(2)} s` : ''),
    );
}
