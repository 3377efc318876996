/**
 * Parts 5-7 (issue 6): insights, partner search and the insights aggregator.
 *
 * 5. GET /v1/insights for 3 months after 10,000 life cycles, against the raw BatchGetItem of the
 *    same keys, and the requests it sends counted at the wire.
 * 6. GET /v1/partners over 10,000 partners in the index, against the same Queries made directly,
 *    and the requests per search counted at the wire.
 * 7. The aggregator consuming the stream of 2,000 life cycles at once, against a plain loop of
 *    2,000 UpdateItem calls on the same DynamoDB Local.
 *
 * Seed data is written straight to the table (BatchWriteItem / UpdateItem), built with the domain's
 * own functions: the aggregates are the sum of the life cycles' contributions (which the unit tests
 * prove equal the sum of the stream's deltas), the index items are those the indexer writes.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { MAX_FIGURES } from '../functions/adapters/dynamodb/insights-store.js';
import { PLATFORM_SHARDS, platformStatsKey, statsKey } from '../functions/adapters/dynamodb/keys.js';
import { toItem } from '../functions/adapters/dynamodb/lead-items.js';
import { indexItemsOf, partitionPk } from '../functions/adapters/dynamodb/search-index.js';
import {
  addExpression,
  batchGetRaw,
  splitTally,
  sumItems,
} from '../functions/adapters/dynamodb/stats-items.js';
import {
  addTallies,
  cohortMonth,
  contribution,
  countsOf,
  emptyTally,
  figure,
  platformPart,
  shiftMonth,
  type Tally,
} from '../functions/domain/insights.js';
import { normalizeKeyword } from '../functions/domain/keywords.js';
import type { Lead, LeadType } from '../functions/domain/lead.js';
import { applyChange, type Command, plan, receive } from '../functions/domain/lifecycle.js';
import { rankingSnapshot } from '../functions/domain/ranking.js';
import { partitionsFor, perPartition, type SearchCard } from '../functions/domain/search.js';
import { bucketOf } from '../functions/domain/sketch.js';
import { routes } from '../functions/http/routes.js';
import { consumerFilters } from '../functions/stream/filters.js';
import { startStreamPoller } from '../local/stream-poller.js';
import { type BenchDatabase, startDatabase } from './dynamo.js';
import { invoke, loadHandler } from './handlers.js';
import type { RawClient } from './raw-client.js';

type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timed = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

/**
 * The route and its raw round trips, call by call after a warm-up, alternating which goes first so
 * neither always follows the other (same JIT, GC and disk state for both).
 */
async function interleaved(call: () => Promise<unknown>, raw: () => Promise<unknown>, iterations: number) {
  for (let i = 0; i < 20; i++) await Promise.all([call(), raw()]);
  const samples: number[] = [];
  const rawSamples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 2) rawSamples.push(await timed(raw));
    samples.push(await timed(call));
    if (!(i % 2)) rawSamples.push(await timed(raw));
  }
  return { samples, raw: rawSamples };
}

/** A deterministic pseudo-random sequence (mulberry32): the same seed data every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const windows = { responseMs: 14 * 86_400_000, contactNowMs: 72 * 3_600_000, reminderMs: 0 };
const sender = { id: 'microsoft-marketing', kind: 'microsoft' as const, name: 'Microsoft Marketing' };
const TYPES: LeadType[] = ['customer-inquiry', 'marketing-qualified', 'sales-qualified'];

/** One life cycle: every version of a lead from intake to where it ends. */
export function lifeCycle(rand: () => number, partnerId: string, id: string, receivedAt: Date): Lead[] {
  const lead = receive(
    {
      partnerId,
      type: TYPES[Math.floor(rand() * 3)]!,
      customer: {
        companyName: `Company ${id.slice(-6)}`,
        contactName: 'Ana Rossi',
        email: `c${id.slice(-8).toLowerCase()}@example.com`,
        country: rand() < 0.6 ? 'IT' : 'DE',
        ...(rand() < 0.7 ? { companySize: '50-249' as const } : {}),
      },
      need: { title: 'Move our ERP to Azure' },
      contactRequested: rand() < 0.3,
    },
    { id, now: receivedAt, sender, windows },
  );
  const versions = [lead];
  const step = (command: Command, at: number) => {
    const change = plan(id, command, {
      now: new Date(at),
      actor:
        command.action === 'expire' ? { type: 'system', id: 'bench' } : { type: 'partner-user', id: 'u' },
      partnerId,
    });
    versions.push(applyChange(versions.at(-1), change));
  };
  const t = receivedAt.getTime();
  const answerAt = t + Math.floor(rand() ** 3 * 5 * 86_400_000) + 1000;
  const roll = rand();
  const deal = {
    name: 'Deal',
    value: { amount: Math.round(rand() * 1e7) / 100, currency: rand() < 0.8 ? 'EUR' : 'USD' },
    estimatedCloseDate: '2027-06-30',
  };
  if (roll < 0.15) return versions;
  if (roll < 0.3) step({ action: 'expire', deadline: lead.respondBy }, Date.parse(lead.respondBy) + 1000);
  else if (roll < 0.45)
    step({ action: 'decline', decline: { reason: rand() < 0.5 ? 'no-capacity' : 'not-a-fit' } }, answerAt);
  else {
    step({ action: 'accept', deal }, answerAt);
    const close = rand();
    if (close < 0.35) step({ action: 'won', close: {} }, answerAt + 86_400_000);
    else if (close < 0.6) step({ action: 'lost', close: {} }, answerAt + 86_400_000);
  }
  return versions;
}

async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  items: Array<Record<string, unknown>>,
  width = 8,
) {
  const chunks: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < chunks.length) {
        let pending = chunks[next++]!.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await sleep(50 * attempt);
          const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
}

const documentClient = (endpoint: string) =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  });

// ---- 5. insights ----

export interface InsightsReadResult {
  lifeCycles: number;
  partnerLeads: number;
  samples: number[];
  raw: number[];
  warmRequests: string[];
  coldRequests: string[];
}

export async function insightsReadBench(options: {
  db: BenchDatabase;
  raw: RawClient;
  handlerFile: string;
  lifeCycles: number;
  iterations: number;
  log: Log;
}): Promise<InsightsReadResult> {
  const { db, log } = options;
  const partnerId = 'bench-insights';
  const rand = random(6);
  const now = new Date();
  const months = [
    shiftMonth(now.toISOString().slice(0, 7), 2),
    shiftMonth(now.toISOString().slice(0, 7), 1),
    now.toISOString().slice(0, 7),
  ];
  const monthStart = (m: string) => Date.parse(`${m}-01T00:00:00.000Z`);
  log(`insights: ${options.lifeCycles} life cycles over ${months.join(', ')}, one in five for ${partnerId}`);
  const partnerMonths = new Map<string, Tally>();
  const platform = new Map<string, Tally>();
  let partnerLeads = 0;
  for (let i = 0; i < options.lifeCycles; i++) {
    const month = months[i % 3]!;
    const start = monthStart(month);
    const end = Math.min(now.getTime() - 60_000, start + 28 * 86_400_000);
    const receivedAt = new Date(start + Math.floor(rand() * (end - start)));
    const owner = i % 5 === 0 ? partnerId : `bench-p${i % 97}`;
    if (owner === partnerId) partnerLeads += 1;
    const final = lifeCycle(rand, owner, `01BENCH${String(i).padStart(19, '0')}`, receivedAt).at(-1)!;
    const key = `${owner}|${cohortMonth(final.receivedAt)}`;
    partnerMonths.set(key, addTallies(partnerMonths.get(key) ?? emptyTally(), contribution(final)));
    const shardKey = `${i % PLATFORM_SHARDS}|${cohortMonth(final.receivedAt)}`;
    platform.set(
      shardKey,
      addTallies(platform.get(shardKey) ?? emptyTally(), platformPart(contribution(final))),
    );
  }
  const doc = documentClient(db.endpoint);
  const writes = [
    ...[...partnerMonths].flatMap(([key, tally]) => {
      const [owner, month] = key.split('|') as [string, string];
      return splitTally(tally, MAX_FIGURES).map((part) => ({ key: statsKey(owner, month), tally: part }));
    }),
    ...[...platform].flatMap(([key, tally]) => {
      const [shard, month] = key.split('|') as [string, string];
      return splitTally(tally, MAX_FIGURES).map((part) => ({
        key: platformStatsKey(Number(shard), month),
        tally: part,
      }));
    }),
  ];
  for (let i = 0; i < writes.length; i += 16) {
    await Promise.all(
      writes
        .slice(i, i + 16)
        .map(({ key, tally }) =>
          doc.send(new UpdateCommand({ TableName: db.tableName, Key: key, ...addExpression(tally) })),
        ),
    );
  }
  const keys = [
    ...months.map((m) => statsKey(partnerId, m)),
    ...months.flatMap((m) => Array.from({ length: PLATFORM_SHARDS }, (_, s) => platformStatsKey(s, m))),
  ];
  // The seeded aggregates read back say what the route must answer.
  const stored = countsOf(
    sumItems(
      await batchGetRaw(
        doc,
        db.tableName,
        months.map((m) => statsKey(partnerId, m)),
      ),
    ),
  );
  if (stored.received !== partnerLeads)
    throw new Error(`seeded ${stored.received} leads, expected ${partnerLeads}`);

  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  const handler = await loadHandler(options.handlerFile, 'insights-direct');
  const request = { caller: { partner: partnerId }, query: { from: months[0]!, to: months[2]! } };
  const call = async () => {
    const result = await invoke(handler, routes.getInsights, request);
    const body = JSON.parse(String(result.body)) as { leads: { received: number } };
    if (body.leads.received !== partnerLeads)
      throw new Error(`insights answered ${body.leads.received} leads`);
  };
  const raw = () =>
    options.raw.batchGet({
      RequestItems: { [db.tableName]: { Keys: keys.map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } })) } },
    });
  const { samples, raw: rawSamples } = await interleaved(call, raw, options.iterations);

  process.env.DYNAMODB_ENDPOINT = db.proxy.endpoint;
  const counted = await loadHandler(options.handlerFile, 'insights-counted');
  db.proxy.take();
  await invoke(counted, routes.getInsights, request);
  const coldRequests = db.proxy.take();
  await invoke(counted, routes.getInsights, request);
  const warmRequests = db.proxy.take();
  return {
    lifeCycles: options.lifeCycles,
    partnerLeads,
    samples,
    raw: rawSamples,
    warmRequests,
    coldRequests,
  };
}

// ---- 6. partner search ----

const POPULAR = [
  'azure',
  'migration',
  'erp',
  'security',
  'data',
  'dynamics',
  'crm',
  'cloud',
  'sap',
  'ai',
  'devops',
  'teams',
];
const COUNTRIES = ['IT', 'DE', 'FR', 'ES', 'NL', 'GB', 'US', 'PL', 'SE', 'BE'];
const SIZES = ['1-9', '10-49', '50-249', '250-999', '1000+'];

/** A term of a skewed vocabulary: the popular words are common, a long tail rare. */
const termOf = (rand: () => number) =>
  rand() < 0.6 ? POPULAR[Math.floor(rand() ** 2 * POPULAR.length)]! : `topic${Math.floor(rand() * 2000)}`;

function partnerCard(rand: () => number, i: number): SearchCard {
  const keywords = [`${termOf(rand)} ${termOf(rand)}`, termOf(rand)].map(normalizeKeyword);
  const countries = [COUNTRIES[Math.floor(rand() ** 1.5 * COUNTRIES.length)]!];
  if (rand() < 0.1) countries.push(COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!);
  const decided = Math.floor(rand() * 40);
  const expired = Math.floor(decided * rand() * 0.5);
  const answered = decided - expired;
  const accepted = Math.floor(answered * rand());
  const history: Tally = {
    counts: Object.fromEntries(
      Object.entries({
        [figure.count('customer-inquiry', 'received')]: decided,
        [figure.count('customer-inquiry', 'accepted')]: accepted,
        [figure.count('customer-inquiry', 'declined')]: answered - accepted,
        [figure.count('customer-inquiry', 'expired')]: expired,
        [figure.within24h]: Math.floor(answered * rand()),
        [figure.responseBucket(bucketOf(1 + rand() * 200_000))]: answered,
        [figure.similar('country', countries[0]!, 'accepted')]: accepted,
        [figure.similar('country', countries[0]!, 'declined')]: answered - accepted,
      }).filter(([, n]) => n > 0),
    ),
    money: {},
  };
  return {
    partnerId: `bench-partner-${String(i).padStart(5, '0')}`,
    profile: {
      listed: true,
      companyName: `Bench Partner ${i}`,
      description: 'Moves ERP systems and data platforms to the cloud, with managed services after go-live.',
      keywords: [...new Set(keywords)],
      countries: [...new Set(countries)],
      companySizes: rand() < 0.4 ? [] : SIZES.filter(() => rand() < 0.5),
    },
    ranking: rankingSnapshot(history),
  };
}

export interface SearchScenarioResult {
  label: string;
  partitions: number;
  samples: number[];
  raw: number[];
  warmRequests: string[];
  found: number;
}

export async function searchBench(options: {
  db: BenchDatabase;
  raw: RawClient;
  handlerFile: string;
  partners: number;
  iterations: number;
  log: Log;
}): Promise<{
  partners: number;
  items: number;
  seedSeconds: number;
  largestPartition: number;
  scenarios: SearchScenarioResult[];
}> {
  const { db, log } = options;
  const rand = random(7);
  const items = Array.from({ length: options.partners }, (_, i) => indexItemsOf(partnerCard(rand, i))).flat();
  const sizes = new Map<string, number>();
  for (const item of items) sizes.set(String(item.pk), (sizes.get(String(item.pk)) ?? 0) + 1);
  log(`search: writing ${items.length} index items of ${options.partners} partners`);
  const started = performance.now();
  await batchWrite(documentClient(db.endpoint), db.tableName, items);
  const seedSeconds = (performance.now() - started) / 1000;

  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  const handler = await loadHandler(options.handlerFile, 'search-direct');
  process.env.DYNAMODB_ENDPOINT = db.proxy.endpoint;
  const counted = await loadHandler(options.handlerFile, 'search-counted');
  const scenarios: Array<{
    label: string;
    query: Record<string, string>;
    terms: string[];
    country?: string;
  }> = [
    {
      label: 'keyword "Azure migration", country IT',
      query: { keyword: 'Azure migration', country: 'IT' },
      terms: ['azure', 'migration'],
      country: 'IT',
    },
    { label: 'keyword "azure", no country', query: { keyword: 'azure' }, terms: ['azure'] },
    {
      label: 'keyword "ERP data security", country DE, size',
      query: { keyword: 'ERP data security', country: 'DE', companySize: '50-249' },
      terms: ['erp', 'data', 'security'],
      country: 'DE',
    },
    { label: 'country FR only', query: { country: 'FR' }, terms: [], country: 'FR' },
  ];
  const results: SearchScenarioResult[] = [];
  for (const s of scenarios) {
    const request = { caller: { sender: 'microsoft-marketing' }, query: { ...s.query, limit: '10' } };
    let found = 0;
    const call = async () => {
      const result = await invoke(handler, routes.searchPartners, request);
      found = (JSON.parse(String(result.body)) as { items: unknown[] }).items.length;
    };
    const limit = perPartition({
      limit: 10,
      ...(s.query.companySize ? { companySize: s.query.companySize } : {}),
    });
    const partitions = partitionsFor({ terms: s.terms, ...(s.country ? { country: s.country } : {}) });
    // The same Queries the route sends, side by side as it sends them, with a bare client.
    const raw = () =>
      Promise.all(
        partitions.map((p) =>
          options.raw.query({
            TableName: db.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partitionPk(p) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      );
    const { samples, raw: rawSamples } = await interleaved(call, raw, options.iterations);
    db.proxy.take();
    await invoke(counted, routes.searchPartners, request);
    db.proxy.take();
    await invoke(counted, routes.searchPartners, request);
    results.push({
      label: s.label,
      partitions: partitions.length,
      samples,
      raw: rawSamples,
      warmRequests: db.proxy.take(),
      found,
    });
  }
  return {
    partners: options.partners,
    items: items.length,
    seedSeconds,
    largestPartition: Math.max(...sizes.values()),
    scenarios: results,
  };
}

// ---- 7. the aggregator ----

export interface AggregatorResult {
  lifeCycles: number;
  records: number;
  writeSeconds: number;
  countedSeconds: number;
  loopSeconds: number;
  smallLoopSeconds: number;
}

export async function aggregatorBench(options: {
  handlerFile: string;
  tableName: string;
  lifeCycles: number;
  log: Log;
}): Promise<AggregatorResult> {
  const { log } = options;
  log('aggregator: starting a fresh DynamoDB Local');
  const db = await startDatabase(options.tableName);
  let stopPoller: (() => Promise<void>) | undefined;
  try {
    const rand = random(8);
    const now = Date.now();
    const partners = 20;
    const cycles = Array.from({ length: options.lifeCycles }, (_, i) =>
      lifeCycle(
        rand,
        `bench-agg-${i % partners}`,
        `01AGG${String(i).padStart(21, '0')}`,
        new Date(now - 20 * 86_400_000 + i * 1000),
      ),
    );
    const expected = new Map<string, number>();
    for (const versions of cycles) {
      const final = versions.at(-1)!;
      expected.set(final.partnerId, (expected.get(final.partnerId) ?? 0) + 1);
    }
    const month = cohortMonth(cycles[0]![0]!.receivedAt);
    const outcomes = countsOf(cycles.reduce((t, v) => addTallies(t, contribution(v.at(-1)!)), emptyTally()));
    // Round k writes every lead's k-th version: one stream record per transition, as the API makes them.
    const doc = documentClient(db.endpoint);
    const writeStarted = performance.now();
    let records = 0;
    for (let round = 0; ; round++) {
      const batch = cycles.flatMap((v) => (v[round] ? [toItem(v[round]!)] : []));
      if (batch.length === 0) break;
      records += batch.length;
      await batchWrite(doc, db.tableName, batch);
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    log(
      `aggregator: ${records} stream records of ${options.lifeCycles} life cycles written in ${writeSeconds.toFixed(1)} s; consuming`,
    );

    process.env.DYNAMODB_ENDPOINT = db.endpoint;
    const handler = (await import(`${pathToFileURL(options.handlerFile).href}?instance=aggregator`)) as {
      handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;
    };
    const keys = [...expected.keys()].map((p) => statsKey(p, month));
    const counted = async () => countsOf(sumItems(await batchGetRaw(doc, db.tableName, keys)));
    const invocations: Array<{ records: number; ms: number }> = [];
    const started = performance.now();
    const poller = await startStreamPoller({
      endpoint: db.endpoint,
      tableName: db.tableName,
      failedRecordsFile: join(tmpdir(), `bench-aggregator-failed-${process.pid}.jsonl`),
      batchSize: 200,
      pollMs: 50,
      consumers: [
        {
          name: 'insights-aggregator',
          filters: consumerFilters.insightsAggregator,
          load: async () => async (event: DynamoDBStreamEvent, context: Context) => {
            const t0 = performance.now();
            const response = await handler.handler(event, context);
            invocations.push({ records: event.Records.length, ms: performance.now() - t0 });
            return response;
          },
        },
      ],
      log,
    });
    stopPoller = () => poller.stop();
    let countedSeconds = Number.NaN;
    while (performance.now() - started < 300_000) {
      const c = await counted();
      if (JSON.stringify(c) === JSON.stringify(outcomes)) {
        countedSeconds = (performance.now() - started) / 1000;
        break;
      }
      await sleep(100);
    }
    await poller.stop();
    stopPoller = undefined;
    const inHandler = invocations.reduce((a, i) => a + i.ms, 0) / 1000;
    log(
      `aggregator: ${invocations.length} invocations, ${inHandler.toFixed(1)} s in the handler, sizes ${invocations.map((i) => i.records).join(' ')}`,
    );
    if (Number.isNaN(countedSeconds))
      throw new Error('the aggregator did not count every life cycle within 300 s');

    const raw = new DynamoDBClient({ endpoint: db.endpoint });
    const loop = async (keyOf: (i: number) => { pk: string; sk: string }) => {
      const t0 = performance.now();
      for (let i = 0; i < options.lifeCycles; i++) {
        const { pk, sk } = keyOf(i);
        await raw.send(
          new UpdateItemCommand({
            TableName: db.tableName,
            Key: { pk: { S: pk }, sk: { S: sk } },
            UpdateExpression: 'SET benchTouched = :n',
            ExpressionAttributeValues: { ':n': { N: String(i) } },
          }),
        );
      }
      return (performance.now() - t0) / 1000;
    };
    log(
      `aggregator: a plain loop of ${options.lifeCycles} UpdateItem calls on the lead items, then on small items`,
    );
    const loopSeconds = await loop((i) => ({ pk: `LEAD#${cycles[i]![0]!.id}`, sk: 'LEAD' }));
    const smallLoopSeconds = await loop((i) => ({ pk: `BENCH#${i}`, sk: 'BENCH' }));
    return {
      lifeCycles: options.lifeCycles,
      records,
      writeSeconds,
      countedSeconds,
      loopSeconds,
      smallLoopSeconds,
    };
  } finally {
    await stopPoller?.();
    await db.stop();
  }
}
