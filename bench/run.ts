/**
 * `npm run bench`: bundle size and cold import against a DocumentClient-only floor, warm latency
 * against raw DynamoDB round trips, and DynamoDB requests per route, all measured in one run.
 * Exits 0 whatever the budgets say (the tables do); non-zero only if the bench itself fails.
 *
 * Knobs (environment): BENCH_COLD_RUNS (25), BENCH_COLD_SECONDS (120: cold-import rounds stop
 * starting after this, once at least 7 ran), BENCH_READS (200), BENCH_WRITES (50), BENCH_EXPIRING (2000), BENCH_EXPIRY_ROUNDS (3),
 * BENCH_EXPIRY_TRACE (a file: each expiry round prints where its time went),
 * BENCH_LIFE_CYCLES (10000), BENCH_PARTNERS (10000), BENCH_AGGREGATED (2000), BENCH_WEBHOOK_CHANGES (2000),
 * BENCH_WEBHOOK_SAMPLES (50), BENCH_WEBHOOK_WRITES (batches; or transactions), BENCH_WEBHOOK_INPUT
 * (held: written while the stream poller is paused; or live), and BENCH_ONLY: a comma list of the parts to run (bundles, routes,
 * expiry, insights, search, aggregator, webhooks), e.g.
 * `BENCH_ONLY=insights,search,aggregator npm run bench` while working on those.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORM_SHARDS } from '../functions/adapters/dynamodb/keys.js';
import { type RouteName, routeList, routes } from '../functions/http/routes.js';
import { bundlingOf } from '../lib/constructs/app-function.js';
import { type Bundle, buildBundles, bundleDir, coldImports, FLOOR, growthOverFloor } from './bundles.js';
import { type BenchDatabase, startDatabase } from './dynamo.js';
import { assertDeployedNode, deployedEnv, functionEnv } from './environment.js';
import { expiryBench, roundRatio } from './expiry.js';
import { type Handler, loadHandler } from './handlers.js';
import { aggregatorBench, insightsReadBench, searchBench } from './insights.js';
import { baselineCall, type LatencyResult, loadRawClient, measure, p50, p99 } from './latency.js';
import { esbuildOptionsOf } from './options.js';
import {
  compareAtTheWire,
  countRequests,
  describeExchange,
  describeRequests,
  type RequestCount,
  type WireComparison,
} from './requests.js';
import { Budgets, kib, ms, ratio, table } from './stats.js';
import { STREAM_POLL_MS, webhookBench } from './webhooks.js';
import { scenarios, seed } from './workload.js';

const BUDGET = {
  size: 2.0,
  cold: 1.3,
  latency: 1.3,
  expiry: 3,
  insightsLatency: 1.3,
  insightsRequests: 2,
  searchLatency: 1.5,
  aggregator: 3,
  webhookLatency: 2,
  webhookFanOut: 3,
} as const;
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const COLD_RUNS = number('BENCH_COLD_RUNS', 25);
const COLD_SECONDS = number('BENCH_COLD_SECONDS', 120);
/** The floor is imported again after every this many bundles of a round (bench/bundles.ts, roundOrder). */
const FLOOR_EVERY = 8;
const READS = number('BENCH_READS', 200);
const WRITES = number('BENCH_WRITES', 50);
const EXPIRING = number('BENCH_EXPIRING', 2000);
const EXPIRY_ROUNDS = number('BENCH_EXPIRY_ROUNDS', 3);
const LIFE_CYCLES = number('BENCH_LIFE_CYCLES', 10_000);
const PARTNERS = number('BENCH_PARTNERS', 10_000);
const AGGREGATED = number('BENCH_AGGREGATED', 2000);
const WEBHOOK_CHANGES = number('BENCH_WEBHOOK_CHANGES', 2000);
const WEBHOOK_SAMPLES = number('BENCH_WEBHOOK_SAMPLES', 50);
// The fan-out's input: BatchWriteItem (default), or `transactions` as POST /v1/leads writes them.
const WEBHOOK_WRITES = process.env.BENCH_WEBHOOK_WRITES === 'transactions' ? 'transactions' : 'batches';
// Written while the stream waits, the clock starting at its resumption (default); or `live`:
// written while the consumers run, the clock starting at the first write.
const WEBHOOK_INPUT = process.env.BENCH_WEBHOOK_INPUT === 'live' ? 'live' : 'held';
const PARTS = ['bundles', 'routes', 'expiry', 'insights', 'search', 'aggregator', 'webhooks'] as const;
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
for (const part of only) {
  if (!(PARTS as readonly string[]).includes(part))
    throw new Error(`BENCH_ONLY: unknown part ${part}; parts: ${PARTS.join(', ')}`);
}
const runs = (part: (typeof PARTS)[number]) => only.length === 0 || only.includes(part);
const READ_WARMUP = 20;
const WRITE_WARMUP = 5;

/**
 * The most DynamoDB requests a warm call of these routes may send. Fair use adds none in steady
 * state: a container leases 20 requests of its client's window in one UpdateItem (README "Fair
 * use"), which the first call of an instance pays (the cold column) and every 20th call after.
 */
const REQUEST_BUDGET: Partial<Record<RouteName, number>> = {
  acceptLead: 1,
  declineLead: 1,
  editLead: 1,
  winLead: 1,
  loseLead: 1,
  favoriteLead: 1,
  unfavoriteLead: 1,
  listSentLeads: 2,
};

const root = fileURLToPath(new URL('..', import.meta.url));
/** Bundled with the functions but not one of them: the baseline client of part 2. */
const RAW_CLIENT = 'raw-client';
/** The API's $default route: not in the route table, but an HTTP function measured with them. */
const NO_ROUTE = 'no-route';
/** The insights stream consumer, bundled like the functions for part 7. */
const AGGREGATOR = 'insights-aggregator';
const started = performance.now();
const budgets = new Budgets();
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const print = (line = '') => process.stdout.write(`${line}\n`);
const seconds = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

async function build(): Promise<Bundle[]> {
  log('bundling every function and the floor');
  const entries: Record<string, string> = {
    [FLOOR]: join(root, 'bench', 'floor.ts'),
    [RAW_CLIENT]: join(root, 'bench', 'raw-client.ts'),
  };
  for (const route of routeList) entries[route.name] = join(root, 'functions', route.name, 'handler.ts');
  // The $default route's function is an HTTP function too, held to the same cold-start budget.
  entries[NO_ROUTE] = join(root, 'functions', NO_ROUTE, 'handler.ts');
  // The aggregator is a stream consumer, bundled as the background functions are.
  const aggregator = { [AGGREGATOR]: join(root, 'functions', 'insights-aggregator', 'handler.ts') };
  return [
    ...(await buildBundles(entries, bundleDir(root))),
    ...(await buildBundles(aggregator, bundleDir(root), esbuildOptionsOf(bundlingOf('background')))),
  ];
}

async function bundleSection(all: Bundle[]) {
  const built = all.filter((b) => b.name !== RAW_CLIENT && b.name !== AGGREGATOR);
  const floor = built.find((b) => b.name === FLOOR)!;
  assertDeployedNode();
  log(`cold-importing ${built.length} bundles, up to ${COLD_RUNS} fresh processes each (${process.version})`);
  const {
    runs,
    wall: cold,
    cpu,
    samples,
  } = await coldImports(
    built,
    {
      runs: COLD_RUNS,
      minRuns: Math.min(7, COLD_RUNS),
      deadline: performance.now() + COLD_SECONDS * 1000,
      env: deployedEnv(),
      reference: { name: FLOOR, every: FLOOR_EVERY },
    },
    (round) => log(`  cold-import round ${round} done (${seconds()})`),
  );
  const floorCold = cold.get(FLOOR)!;
  const floorCpu = cpu.get(FLOOR)!;

  const rows = built.map((bundle) => {
    const size = bundle.bytes / floor.bytes;
    const time = cold.get(bundle.name)! / floorCold;
    const isFloor = bundle === floor;
    const growth = growthOverFloor(bundle, floor)
      .map(([name, bytes]) => `${name} +${(bytes / 1024).toFixed(0)}K`)
      .join(', ');
    return [
      isFloor ? 'FLOOR (DocumentClient only)' : bundle.name,
      kib(bundle.bytes),
      ratio(size),
      isFloor ? '' : budgets.check(`${bundle.name} size`, size <= BUDGET.size),
      ms(cold.get(bundle.name)!),
      ratio(time),
      isFloor ? '' : budgets.check(`${bundle.name} cold import`, time <= BUDGET.cold),
      `${ms(cpu.get(bundle.name)!)} (${ratio(cpu.get(bundle.name)! / floorCpu)})`,
      isFloor ? '' : growth,
    ];
  });
  print(`1. Bundles as deployed: built with the stack's bundling options (lib/constructs/app-function.ts),`);
  print(`   source maps included, imported on Node ${process.versions.node} with the deployed environment`);
  print(`   (NODE_OPTIONS=${deployedEnv().NODE_OPTIONS ?? ''})`);
  print(
    `   size budget <= ${BUDGET.size}x floor; cold import = median of ${runs} fresh processes per bundle`,
  );
  print(
    `   (the floor, which every ratio divides by: median of ${samples.get(FLOOR)}, imported again after every ${FLOOR_EVERY} bundles),`,
  );
  print(
    `   timed inside the child around await import(); budget <= ${BUDGET.cold}x floor. cpu = the child's`,
  );
  print(`   CPU time over the import, for reference only (steadier than wall time on a busy machine)`);
  print();
  print(
    table(
      [
        'bundle',
        'size',
        'x floor',
        'size',
        'import ms',
        'x floor',
        'import',
        'cpu ms (x floor)',
        'largest additions over the floor',
      ],
      rows,
      new Set([1, 2, 4, 5, 7]),
    ),
  );
  print();
}

function latencyTable(results: LatencyResult[], notes: string[]) {
  const rows = results.map(({ scenario, samples, baseline, error }) => {
    const label = scenario.baseline?.label ?? '';
    if (error) {
      const verdict = scenario.baseline ? budgets.check(`${scenario.label} latency (error)`, false) : '';
      return [scenario.label, '0', 'ERROR', '', label, '', '', verdict, error.slice(0, 160)];
    }
    const held = baseline ? p50(samples) / p50(baseline) : Number.NaN;
    return [
      scenario.label,
      String(samples.length),
      ms(p50(samples)),
      ms(p99(samples)),
      label,
      baseline ? ms(p50(baseline)) : '',
      baseline ? ratio(held) : '',
      baseline ? budgets.check(`${scenario.label} latency`, held <= BUDGET.latency) : '',
    ];
  });
  print(`2. Warm in-process latency against DynamoDB Local, ms (handlers called with API Gateway v2 events)`);
  print(`   raw = a bare DocumentClient (same SDK build, bundled like the functions) on the same table,`);
  print(
    `   interleaved call by call with the route: GetItem of the same lead; byPartnerStage Query, Limit 25, of the`,
  );
  print(
    `   partition the filtered list reads, or byPartner Query of PARTNER#contoso (every stage) for the unfiltered list.`,
  );
  print(`   Budget: route p50 <= ${BUDGET.latency}x raw p50`);
  for (const note of notes) print(`   ${note}`);
  print();
  print(
    table(
      ['route', 'n', 'p50', 'p99', 'raw round trip', 'raw p50', 'x raw', 'budget'],
      rows,
      new Set([1, 2, 3, 5, 6]),
    ),
  );
  print();
}

function requestTable(counts: RequestCount[]) {
  const rows = counts.map(({ scenario, cold, warm, error }) => {
    const most = REQUEST_BUDGET[scenario.name];
    if (error) {
      const verdict = most !== undefined ? budgets.check(`${scenario.label} requests (error)`, false) : '';
      return [scenario.label, 'ERROR', error.slice(0, 160), verdict];
    }
    return [
      scenario.label,
      describeRequests(warm),
      cold.join() === warm.join() ? 'same' : describeRequests(cold),
      most !== undefined
        ? `<= ${most}: ${budgets.check(`${scenario.label} requests`, warm.length <= most)}`
        : '',
    ];
  });
  print('3. DynamoDB requests per invocation, counted at the wire by a proxy in front of DynamoDB Local');
  print('   warm = second call of a fresh instance; cold = its first call (sender lookup cached 60 s).');
  print(
    '   Budget: accept, decline, edit, won, lost, favorite PUT/DELETE send 1; a sent-leads page at most 2;',
  );
  print('   fair use adds 1 UpdateItem (FAIRUSE#...) per lease of 20 requests of a client and window: the');
  print(
    '   first call of an instance pays it (cold), and every 20th after; the warm call is served from the lease.',
  );
  print();
  print(table(['route', 'warm requests', 'cold (first call)', 'budget'], rows));
  print();
}

async function databaseSections(built: Bundle[], db: BenchDatabase) {
  const files = new Map(built.map((b) => [b.name, b.file]));
  const load = (name: RouteName, endpoint: string, tag: string) => {
    // Each instance builds its DocumentClient from DYNAMODB_ENDPOINT as it is at import.
    process.env.DYNAMODB_ENDPOINT = endpoint;
    return loadHandler(files.get(routes[name].name)!, tag);
  };
  const direct = new Map<RouteName, Handler>();
  for (const name of Object.keys(routes) as RouteName[])
    direct.set(name, await load(name, db.endpoint, 'direct'));

  log(`seeding through the handlers (${seconds()})`);
  const poolSize = WRITE_WARMUP + WRITES + 2;
  const seeded = await seed(direct, poolSize);
  const plan = scenarios(seeded, db.tableName);
  const raw = await loadRawClient(files.get(RAW_CLIENT)!, db.endpoint);
  const notes = ['Seeded through the handlers:', ...seeded.summary.map((line) => `- ${line}`)];
  const covered = new Set(plan.map((s) => s.route.name));
  const missing = routeList.filter((r) => !covered.has(r.name)).map((r) => r.name);
  if (missing.length > 0) notes.push(`NOT EXERCISED (add them to bench/workload.ts): ${missing.join(', ')}`);

  log(`measuring warm latency (${seconds()})`);
  const results: LatencyResult[] = [];
  for (const scenario of plan) {
    const reads = scenario.kind === 'read';
    results.push(
      await measure(scenario, direct.get(scenario.name)!, {
        warmup: reads ? READ_WARMUP : WRITE_WARMUP,
        iterations: reads ? READS : WRITES,
        client: raw,
      }),
    );
  }
  latencyTable(results, notes);

  log(`counting DynamoDB requests (${seconds()})`);
  const counts: RequestCount[] = [];
  for (const [i, scenario] of plan.entries()) {
    const handler = await load(scenario.name, db.proxy.endpoint, `counted-${i}`);
    counts.push(await countRequests(scenario, handler, db.proxy));
  }
  requestTable(counts);

  // The list routes' requests next to their baselines', so a ratio can be read against the work
  // each asks of DynamoDB (keys, filter, Limit, items and bytes returned), not only its time.
  const rawAtProxy = await loadRawClient(files.get(RAW_CLIENT)!, db.proxy.endpoint);
  const wire: WireComparison[] = [];
  for (const [i, scenario] of plan.entries()) {
    if (!scenario.baseline || !('query' in scenario.baseline)) continue;
    const handler = await load(scenario.name, db.proxy.endpoint, `wire-${i}`);
    wire.push(
      await compareAtTheWire(scenario, handler, baselineCall(rawAtProxy, scenario.baseline), db.proxy),
    );
  }
  wireTable(wire);
}

function wireTable(comparisons: WireComparison[]) {
  print('3b. What each list page and its raw Query ask of DynamoDB, at the wire (a warm call of each)');
  print();
  for (const { scenario, route, baseline, error } of comparisons) {
    print(`   ${scenario.label}${error ? ` ERROR: ${error.slice(0, 160)}` : ''}`);
    for (const e of route) print(`     route: ${describeExchange(e)}`);
    for (const e of baseline) print(`     raw:   ${describeExchange(e)}`);
  }
  print();
}

async function expirySection() {
  const leads = EXPIRING;
  const result = await expiryBench(root, leads, EXPIRY_ROUNDS, log);
  const ratios = result.rounds.map(roundRatio);
  // The middle round; of an even number, the slower of the two middle ones.
  const x = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] ?? Number.NaN;
  print(`4. ${leads} leads expiring at once, through the whole local runtime (TTL emulator -> stream ->`);
  print(
    '   archiver, reconciler every 5 s, notifier -> email queue -> email sender -> local SES), timed from',
  );
  print(
    `   their shared deadline; each round followed by a plain loop of ${leads} UpdateItem calls on the same`,
  );
  print(
    `   lead items, in the same runtime. ${result.rounds.length} rounds; budget: the median round <= ${BUDGET.expiry}x its loop`,
  );
  print();
  print(
    table(
      ['round', 'archived s', 'emailed s', 'loop s', 'x loop', 'duplicate emails', '(writing them s)'],
      result.rounds.map((round, i) => [
        String(i + 1),
        round.archivedSeconds.toFixed(1),
        round.emailedSeconds.toFixed(1),
        round.loopSeconds.toFixed(1),
        ratio(ratios[i]!),
        String(round.duplicateEmails),
        round.createSeconds.toFixed(1),
      ]),
      new Set([1, 2, 3, 4, 5, 6]),
    ),
  );
  print();
  print(
    table(
      ['measure', 'value', 'budget'],
      [
        ['expiry pipeline, median round', ratio(x), budgets.check('expiry pipeline', x <= BUDGET.expiry)],
        [
          'expiry rounds within the budget',
          `${ratios.filter((r) => r <= BUDGET.expiry).length} of ${ratios.length}`,
          '',
        ],
        [
          `(a loop of ${leads} UpdateItem on small unindexed items)`,
          `${result.smallLoopSeconds.toFixed(1)} s`,
          '',
        ],
      ],
      new Set([1]),
    ),
  );
  print();
}

async function insightsSections(built: Bundle[], db: BenchDatabase) {
  const files = new Map(built.map((b) => [b.name, b.file]));
  const raw = await loadRawClient(files.get(RAW_CLIENT)!, db.endpoint);
  if (runs('insights')) {
    const r = await insightsReadBench({
      db,
      raw,
      handlerFile: files.get(routes.getInsights.name)!,
      lifeCycles: LIFE_CYCLES,
      iterations: READS,
      log,
    });
    const x = p50(r.samples) / p50(r.raw);
    print(
      `5. GET /v1/insights for 3 months after ${r.lifeCycles} life cycles (${r.partnerLeads} of them the partner's),`,
    );
    print(
      '   aggregates written as the stream would leave them; in-process handler against the raw BatchGetItem of',
    );
    print(
      `   the same 3 partner months + ${PLATFORM_SHARDS * 3} platform shards, interleaved. Budgets: p50 <= ${BUDGET.insightsLatency}x raw,`,
    );
    print(`   <= ${BUDGET.insightsRequests} DynamoDB requests (counted at the wire)`);
    print();
    print(
      table(
        ['measure', 'value', 'budget'],
        [
          [`route p50 / p99 ms (n=${r.samples.length})`, `${ms(p50(r.samples))} / ${ms(p99(r.samples))}`, ''],
          ['raw BatchGetItem p50 ms', ms(p50(r.raw)), ''],
          ['route p50 / raw p50', ratio(x), budgets.check('insights latency', x <= BUDGET.insightsLatency)],
          [
            'requests (warm)',
            describeRequests(r.warmRequests),
            budgets.check('insights requests', r.warmRequests.length <= BUDGET.insightsRequests),
          ],
          ['requests (cold)', describeRequests(r.coldRequests), ''],
        ],
      ),
    );
    print();
  }
  if (runs('search')) {
    const r = await searchBench({
      db,
      raw,
      handlerFile: files.get(routes.searchPartners.name)!,
      partners: PARTNERS,
      iterations: READS,
      log,
    });
    print(
      `6. GET /v1/partners over ${r.partners} partners (${r.items} index items, written in ${r.seedSeconds.toFixed(1)} s;`,
    );
    print(
      `   largest partition ${r.largestPartition} items). Route against the same Queries made directly, side by side as`,
    );
    print(
      `   the route sends them. Budgets: requests = partitions (one per term, or the country), p50 <= ${BUDGET.searchLatency}x raw`,
    );
    print();
    print(
      table(
        ['search (limit 10)', 'found', 'requests', 'budget', 'p50 ms', 'raw p50', 'x raw', 'budget'],
        r.scenarios.map((s) => {
          const x = p50(s.samples) / p50(s.raw);
          return [
            s.label,
            String(s.found),
            describeRequests(s.warmRequests),
            budgets.check(`search requests (${s.label})`, s.warmRequests.length === s.partitions),
            ms(p50(s.samples)),
            ms(p50(s.raw)),
            ratio(x),
            budgets.check(`search latency (${s.label})`, x <= BUDGET.searchLatency),
          ];
        }),
        new Set([1, 4, 5, 6]),
      ),
    );
    print();
  }
}

async function aggregatorSection(built: Bundle[]) {
  const file = built.find((b) => b.name === AGGREGATOR)!.file;
  const r = await aggregatorBench({
    handlerFile: file,
    tableName: functionEnv.TABLE_NAME,
    lifeCycles: AGGREGATED,
    log,
  });
  const x = r.countedSeconds / r.loopSeconds;
  print(
    `7. The insights aggregator with ${r.lifeCycles} life cycles at once: ${r.records} stream records (intake, answer,`,
  );
  print(
    '   close), written beforehand, consumed by the bundled handler through the local stream poller (batches of',
  );
  print(
    `   200) on a fresh DynamoDB Local until every figure is counted. Budget: <= ${BUDGET.aggregator}x a plain loop of ${r.lifeCycles} UpdateItem`,
  );
  print();
  print(
    table(
      ['measure', 'seconds', 'x loop', 'budget'],
      [
        [
          'all counted',
          r.countedSeconds.toFixed(1),
          ratio(x),
          budgets.check('aggregator', x <= BUDGET.aggregator),
        ],
        [`plain loop of ${r.lifeCycles} UpdateItem on the lead items`, r.loopSeconds.toFixed(1), '1.00x', ''],
        [
          '(same loop on small unindexed items)',
          r.smallLoopSeconds.toFixed(1),
          ratio(r.smallLoopSeconds / r.loopSeconds),
          '',
        ],
        [`(writing the ${r.records} records beforehand)`, r.writeSeconds.toFixed(1), '', ''],
      ],
      new Set([1, 2]),
    ),
  );
  print();
}

async function webhookSection() {
  const r = await webhookBench(
    root,
    { changes: WEBHOOK_CHANGES, samples: WEBHOOK_SAMPLES, writes: WEBHOOK_WRITES, input: WEBHOOK_INPUT },
    log,
  );
  const median = p50(r.samples);
  const floor = BUDGET.webhookLatency * STREAM_POLL_MS;
  const fanOut = r.deliveredSeconds / r.loopSeconds;
  const deliveries = r.changes * r.subscriptions;
  print('8. Webhooks through the whole local runtime (stream poller every 250 ms -> webhook events ->');
  print('   delivery queue -> webhook sender -> a receiver on this machine, signed, SSRF-checked)');
  print(
    `   latency: ${r.samples.length} lead changes one at a time (POST /v1/leads), from the 201 to the receiver;`,
  );
  print(`   budget p50 <= ${BUDGET.webhookLatency}x the stream poll interval (${floor} ms)`);
  print(
    r.input === 'held'
      ? `   fan-out: ${r.changes} changes x ${r.subscriptions} subscriptions, written while the stream poller was paused; the ratio's numerator runs from its resumption (every change waiting, none handled) to the last delivery received;`
      : `   fan-out: ${r.changes} changes x ${r.subscriptions} subscriptions, written while the consumers ran (BENCH_WEBHOOK_INPUT=live); the ratio's numerator runs from the first change written to the last delivery received;`,
  );
  print(`   budget <= ${BUDGET.webhookFanOut}x a plain loop of ${deliveries} POSTs to the same receiver`);
  print(
    `   the functions' DynamoDB requests during the fan-out: ${Object.entries(r.functionRequests)
      .sort(([, a], [, b]) => b - a)
      .map(([operation, n]) => `${operation} ${n}`)
      .join(', ')}`,
  );
  print();
  print(
    table(
      ['measure', 'value', 'x floor', 'budget'],
      [
        [
          'change -> receiver p50',
          ms(median),
          ratio(median / STREAM_POLL_MS),
          budgets.check('webhook latency', median <= floor),
        ],
        ['change -> receiver p99', ms(p99(r.samples)), ratio(p99(r.samples) / STREAM_POLL_MS), ''],
        [
          `all ${deliveries} delivered`,
          `${r.deliveredSeconds.toFixed(1)} s`,
          ratio(fanOut),
          budgets.check('webhook fan-out', fanOut <= BUDGET.webhookFanOut),
        ],
        [`plain loop of ${deliveries} POSTs`, `${r.loopSeconds.toFixed(1)} s`, '1.00x', ''],
        [
          r.input === 'held'
            ? `(writing the ${r.changes} changes, before the first)`
            : `(writing the ${r.changes} changes, inside the first)`,
          `${r.writeSeconds.toFixed(1)} s`,
          '',
          '',
        ],
        [
          r.input === 'held'
            ? '(first delivery received)'
            : '(first delivery received, after the first write)',
          `${r.firstDeliverySeconds.toFixed(1)} s`,
          '',
          '',
        ],
        ['(all deliveries queued, about)', `${r.allQueuedSeconds.toFixed(1)} s`, '', ''],
        ['(most deliveries waiting in the queue at once)', String(r.peakQueued), '', ''],
        [
          r.input === 'held' ? '(deliveries/s)' : '(deliveries/s after the last write)',
          r.afterWritesPerSecond.toFixed(0),
          '',
          '',
        ],
        ["(functions' table write units meanwhile)", r.functionWriteUnits.toFixed(0), '', ''],
      ],
      new Set([1, 2]),
    ),
  );
  print();
}

let db: BenchDatabase | undefined;
async function main() {
  print(`Partner Referrals bench (${new Date().toISOString()}, ${process.version}, ${process.platform})`);
  print();
  // The functions, the seeding and the raw client all read these (region, credentials, table).
  Object.assign(process.env, functionEnv);
  // The expiry and webhook parts run whole local runtimes of their own: alone, they need no bundles.
  if ((['bundles', 'routes', 'insights', 'search', 'aggregator'] as const).some(runs)) {
    // DynamoDB Local starts while esbuild bundles; it is idle by the time the cold imports run.
    log('starting DynamoDB Local');
    const starting = startDatabase(functionEnv.TABLE_NAME);
    const built = await build().catch(async (error: unknown) => {
      await (await starting.catch(() => undefined))?.stop();
      throw error;
    });
    db = await starting;
    log(`DynamoDB Local on port ${db.port} (${seconds()})`);
    try {
      if (runs('bundles')) await bundleSection(built);
      if (runs('routes')) await databaseSections(built, db);
      if (runs('insights') || runs('search')) await insightsSections(built, db);
    } finally {
      const { port } = db;
      const stopped = await db.stop();
      db = undefined;
      log(stopped ? `DynamoDB Local on port ${port} stopped` : `DynamoDB Local on port ${port} did NOT stop`);
    }
    if (runs('aggregator')) await aggregatorSection(built);
  }
  if (runs('expiry')) await expirySection();
  if (runs('webhooks')) await webhookSection();
  const failed = budgets.failed.length;
  print(
    `Summary: ${budgets.passed} budgets passed, ${failed} failed${failed > 0 ? ` (${budgets.failed.join('; ')})` : ''}. ${seconds()} in all.`,
  );
}

const abort = (signal: NodeJS.Signals) => {
  log(`${signal}: stopping DynamoDB Local`);
  void (db?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
};
process.once('SIGINT', abort);
process.once('SIGTERM', abort);

main().then(
  // Keep-alive sockets of the loaded handlers would hold the process open.
  () => process.exit(0),
  async (error: unknown) => {
    console.error('bench failed:', error);
    await db?.stop();
    process.exit(1);
  },
);
