/**
 * Part 8 (issue 8): webhooks through the whole local runtime (`local/start.ts`: stream poller ->
 * webhook events consumer -> delivery queue -> webhook sender -> a receiver on this machine).
 * - latency: one lead change at a time (POST /v1/leads through the API); the time from its 201 to
 *   the receiver's request, against twice the local stream poller's interval (250 ms);
 * - fan-out: N new leads (the items POST /v1/leads writes, put straight into the table in
 *   BatchWriteItem requests: they are the input, not the system under test; BENCH_WEBHOOK_WRITES=
 *   transactions writes them one intake transaction each) for a partner with 3 subscriptions,
 *   written while the stream poller is paused (`/local/stream`); the time from its resumption, all
 *   N changes waiting and none handled, to the last of the 3N deliveries received, against a plain
 *   loop of 3N POSTs of the same body to the same receiver. BENCH_WEBHOOK_INPUT=live writes them
 *   while the consumers run and starts the clock at the first write (the measure before).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulidx';
import { LeadRepository } from '../functions/adapters/dynamodb/lead-repository.js';
import { newLeadItems } from '../functions/adapters/dynamodb/lead-writes.js';
import { receive } from '../functions/domain/lifecycle.js';
import { partnerClaims, senderClaims } from '../local/claims.js';
import type { Meter } from '../local/dynamodb-proxy.js';
import { localSigner } from '../local/jwt.js';
import { freePort } from '../local/ports.js';
import { localQueueUrl } from '../local/sqs-server.js';
import { pool, startRuntime, stopRuntime } from './expiry.js';

/** The local stream poller's pause between polls (local/stream-poller.ts). */
export const STREAM_POLL_MS = 250;
const TABLE = 'partner-referrals-local';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WebhookBenchResult {
  samples: number[];
  changes: number;
  subscriptions: number;
  /** How the input was written: while the stream was paused (`held`) or with the consumers running (`live`). */
  input: 'held' | 'live';
  /** From the first change written to the last written. */
  writeSeconds: number;
  /**
   * The ratio's numerator, to the last delivery received: from the stream's resumption, every
   * change written and none handled (`held`), or from the first change written (`live`).
   */
  deliveredSeconds: number;
  loopSeconds: number;
  /** From the clock's start (as `deliveredSeconds`) to the first delivery received. */
  firstDeliverySeconds: number;
  /** From the clock's start until every delivery had been queued (sampled every 50 ms). */
  allQueuedSeconds: number;
  /** The most deliveries waiting in the queue at once (sampled). */
  peakQueued: number;
  /** The functions' DynamoDB requests during the fan-out, by operation (the bench's own writes and the stream reads not included). */
  functionRequests: Record<string, number>;
  /** The base table's write units those requests used. */
  functionWriteUnits: number;
  /** Deliveries received per second from the end of the writes (held: the resumption) to the last delivery. */
  afterWritesPerSecond: number;
}

/** Pauses (`PUT`) or resumes (`DELETE`) the runtime's stream poller, and checks it did. */
async function control(url: string, method: 'PUT' | 'DELETE', paused: boolean) {
  const response = await fetch(url, { method });
  const body = (await response.json()) as { paused?: boolean };
  if (!response.ok || body.paused !== paused)
    throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
}

/** A receiver that answers 204 and notes when each lead id first arrived, and how many requests came. */
async function startReceiver() {
  const firstSeen = new Map<string, number>();
  let requests = 0;
  let lastAt = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      requests += 1;
      lastAt = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const id = /"lead":\{"id":"([0-9A-Z]{26})"/.exec(body)?.[1];
      if (id && !firstSeen.has(id)) firstSeen.set(id, performance.now());
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstSeen,
    count: () => requests,
    lastAt: () => lastAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function webhookBench(
  root: string,
  options: {
    changes: number;
    samples: number;
    /** How the changes are written: BatchWriteItem (default) or one intake transaction per lead. */
    writes?: 'batches' | 'transactions';
    /**
     * `held` (default): written while the stream poller is paused, the clock starting when it
     * resumes; `live`: written while the consumers run, the clock starting at the first write.
     */
    input?: 'held' | 'live';
  },
  log: (line: string) => void,
): Promise<WebhookBenchResult> {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
  };
  // The functions reach the table through the metering proxy: what the fan-out asks of DynamoDB Local.
  const proxyPort = await freePort();
  const meter = `http://127.0.0.1:${proxyPort}/_local/dynamodb`;
  log('webhooks: starting a local runtime');
  const child = await startRuntime(root, ports, 3600, {
    LEAD_RESPONSE_WINDOW: 'P14D',
    REMINDER_BEFORE: 'PT48H',
    // As `npm start` runs it (startRuntime's 2 s suit the expiry part): nothing here is due, and
    // each run's ~45 empty Queries on the due shards would otherwise take DynamoDB Local's time.
    RECONCILE_INTERVAL: process.env.BENCH_RECONCILE ?? 'PT5S',
    LOCAL_DYNAMODB_PROXY_PORT: String(proxyPort),
  });
  const receiver = await startReceiver();
  const api = `http://127.0.0.1:${ports.api}`;
  const signer = await localSigner();
  try {
    const call = async (token: string, method: string, path: string, body: unknown) => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
      return response.json() as Promise<Record<string, unknown>>;
    };
    const subscribe = (partnerId: string, path: string) =>
      signer.sign(partnerClaims(partnerId), 3600).then((token) =>
        call(token, 'POST', '/v1/webhooks', {
          url: `${receiver.url}${path}`,
          events: ['lead.received', 'lead.accepted', 'lead.updated'],
        }),
      );
    const leadBody = (partnerId: string, i: number) => ({
      partnerId,
      type: 'customer-inquiry',
      customer: {
        companyName: `Company ${i}`,
        contactName: 'Ana',
        email: `c${i}@example.com`,
        country: 'IT',
      },
      need: { title: `Need ${i}` },
    });

    // 1. Latency, one change at a time.
    await subscribe('bench-latency', '/latency');
    const senderToken = await signer.sign(senderClaims('microsoft-marketing'), 3600);
    const samples: number[] = [];
    log(`webhooks: ${options.samples} changes one at a time`);
    for (let i = 0; i < options.samples + 3; i++) {
      const lead = await call(senderToken, 'POST', '/v1/leads', leadBody('bench-latency', i));
      const changed = performance.now();
      const id = String(lead.id);
      const deadline = Date.now() + 10_000;
      while (!receiver.firstSeen.has(id) && Date.now() < deadline) await sleep(2);
      const arrived = receiver.firstSeen.get(id);
      if (arrived === undefined) throw new Error(`the event of lead ${id} did not arrive within 10 s`);
      // The first three warm the handlers' modules and connections.
      if (i >= 3) samples.push(arrived - changed);
      // Changes spread over the poll cycle, as real ones are.
      await sleep(Math.random() * STREAM_POLL_MS);
    }

    // 2. Fan-out: N changes to a partner with 3 subscriptions.
    const partnerId = 'bench-fanout';
    for (const path of ['/a', '/b', '/c']) await subscribe(partnerId, path);
    const document = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${ports.dynamo}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const repository = new LeadRepository(document, TABLE);
    const sender = { id: 'microsoft-marketing', kind: 'microsoft' as const, name: 'Microsoft Marketing' };
    const newId = monotonicFactory();
    const before = receiver.count();
    const expected = before + 3 * options.changes;
    log(`webhooks: ${options.changes} changes for 3 subscriptions`);
    // Where the time goes: the queue and the receiver sampled while the changes flow.
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${ports.sqs}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    });
    const queueUrl = localQueueUrl(ports.sqs, 'webhook-deliveries');
    let firstDelivery: number | undefined;
    let allQueued: number | undefined;
    let peakQueued = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const received = receiver.count() - before;
        if (received > 0) firstDelivery ??= receiver.lastAt();
        if (allQueued === undefined) {
          const { Attributes: a = {} } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
          );
          const waiting =
            Number(a.ApproximateNumberOfMessages ?? 0) +
            Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
            Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
          peakQueued = Math.max(peakQueued, waiting);
          // In-flight messages may be counted twice (received, not yet deleted): an early estimate.
          if (received + waiting >= 3 * options.changes) allQueued = performance.now();
        }
        await sleep(50);
      }
    })();
    await fetch(meter, { method: 'DELETE' });
    // The input waits in the stream while it is written (`/local/stream`, as a disabled mapping):
    // the loop pays no writes, so neither does the numerator, and no change is handled before the
    // clock starts. `live` writes with the consumers running and starts the clock at the first write.
    const stream = `${api}/local/stream`;
    const held = options.input !== 'live';
    if (held) await control(stream, 'PUT', true);
    const writeStart = performance.now();
    const leads = Array.from({ length: options.changes }, (_, i) => {
      const now = new Date();
      const lead = receive(
        { ...leadBody(partnerId, i), type: 'customer-inquiry', contactRequested: false },
        {
          id: newId(now.getTime()),
          now,
          sender,
          windows: { responseMs: 14 * 86_400_000, contactNowMs: 0, reminderMs: 0 },
        },
      );
      return { ...lead, remindAt: null };
    });
    if (options.writes === 'transactions') {
      // As POST /v1/leads writes them: one transaction per lead.
      await pool(leads, 32, async (lead) => {
        await repository.create(lead);
      });
    } else {
      // The changes are the input here, not the system under test: the same items intake writes
      // (lead, expiry timer, customer link), 8 leads to a BatchWriteItem of 24, 8 requests at a time.
      const groups = Array.from({ length: Math.ceil(leads.length / 8) }, (_, g) =>
        leads.slice(g * 8, g * 8 + 8).flatMap((lead) => newLeadItems(lead)),
      );
      await pool(groups, 8, async (items) => {
        let requests = items.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await document.send(
            new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }),
          );
          requests = (UnprocessedItems?.[TABLE] ?? []).flatMap((r) =>
            r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
          );
        }
      });
    }
    const writeSeconds = (performance.now() - writeStart) / 1000;
    if (held && receiver.count() > before)
      throw new Error('a delivery arrived while the stream was paused: the input was not held');
    const start = held ? performance.now() : writeStart;
    if (held) await control(stream, 'DELETE', false);
    const receivedByWriteEnd = receiver.count() - before;
    const deadline = Date.now() + 300_000;
    while (receiver.count() < expected && Date.now() < deadline) await sleep(20);
    const deliveredSeconds = (receiver.lastAt() - start) / 1000;
    sampling = false;
    await sampler;
    const { meter: metered } = (await (await fetch(meter)).json()) as { meter: Meter };
    sqs.destroy();
    if (receiver.count() < expected)
      throw new Error(
        `only ${receiver.count() - before} of ${3 * options.changes} deliveries arrived in 5 minutes`,
      );

    // The floor: the same number of POSTs of a like body, one after another, to the same receiver.
    const body = JSON.stringify({
      type: 'lead.received',
      timestamp: new Date().toISOString(),
      data: { lead: leadBody(partnerId, 0) },
    });
    const loopStart = performance.now();
    for (let i = 0; i < 3 * options.changes; i++) {
      const response = await fetch(`${receiver.url}/loop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
    }
    const loopSeconds = (performance.now() - loopStart) / 1000;
    return {
      samples,
      changes: options.changes,
      subscriptions: 3,
      input: held ? 'held' : 'live',
      writeSeconds,
      deliveredSeconds,
      loopSeconds,
      firstDeliverySeconds: ((firstDelivery ?? start) - start) / 1000,
      allQueuedSeconds: ((allQueued ?? receiver.lastAt()) - start) / 1000,
      peakQueued,
      functionRequests: metered.requests,
      functionWriteUnits: metered.table.write,
      afterWritesPerSecond:
        (3 * options.changes - receivedByWriteEnd) /
        Math.max(0.001, held ? deliveredSeconds : deliveredSeconds - writeSeconds),
    };
  } finally {
    await receiver.close();
    await stopRuntime(child);
  }
}
