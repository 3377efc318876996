/**
 * `npm run cost`: cost per 1,000 full lead life cycles and whether the key design holds 1,000
 * intakes/s and 10,000 partner reads/s without a hot partition (docs/capacity-and-cost.md).
 *
 *   npm run cost                                        measure on a local runtime (about 2 min), then compute
 *   npm run cost -- --write                             the same, and save docs/capacity-measured.json
 *   npm run cost -- --from docs/capacity-measured.json  compute from a saved measurement (seconds)
 *
 * The measurement runs COST_LIFECYCLES (100) life cycles over HTTP against a local runtime whose
 * functions reach DynamoDB Local through local/dynamodb-proxy.ts, which counts every request and
 * the capacity units DynamoDB Local reports for the table and each index. The mix: 40 % accepted
 * and won, 10 % accepted and lost, 30 % declined, 20 % left to expire (after their reminder). Each
 * life cycle also has the partner list its leads and open one, and the sender read it back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assumptions,
  costPerThousand,
  type Measurement,
  perLifeCycle,
  prices,
  readHotspots,
  writeHotspots,
} from './cost-model.js';

const args = process.argv.slice(2);
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : undefined;

async function measure(): Promise<Measurement> {
  const { pool } = await import('../bench/expiry.js');
  const support = await import('../bench/soak-support.js');
  const { ClientStats, acceptBody, call, emails, leadBody, log, setting, startSoakRuntime, waitFor } =
    support;
  const N = setting('COST_LIFECYCLES', 100);
  const windowSeconds = 30;
  log(
    `cost: starting a local runtime with the metering proxy (window PT${windowSeconds}S, reminder PT20S before)`,
  );
  const rt = await startSoakRuntime(
    windowSeconds,
    { REMINDER_BEFORE: 'PT20S', RECONCILE_GRACE: 'PT5S' },
    true,
  );
  try {
    const stats = new ClientStats();
    const contact = `alerts@${rt.partnerId}.example`;
    const saved = await call(stats, rt.api, rt.partnerToken, 'PUT', '/v1/profile', {
      companyName: 'Cost Partner',
      description: 'ERP migrations',
      keywords: ['erp migration', 'azure'],
      companySizes: ['50-249'],
      locations: [{ name: 'Milan', country: 'IT', contacts: [{ name: 'Alerts', email: contact }] }],
    });
    if (saved.status !== 200) throw new Error(`PUT /v1/profile: ${saved.status}`);
    // Confirm the contact, so alerts and reminders go out as they would to a real partner.
    let token: string | undefined;
    await waitFor(30, async () => {
      const mail = (await emails(rt.ses)).find((e) => e.destination.to.includes(contact));
      token = mail?.body.text?.match(/token=([A-Za-z0-9_-]{43})/)?.[1];
      return token !== undefined;
    });
    if (!token) throw new Error('no confirmation email');
    await fetch(`${rt.api}/v1/contacts/confirm?token=${token}`);
    await new Promise((r) => setTimeout(r, 2000));
    const mailBefore = (await emails(rt.ses)).length;
    type Meter = Pick<Measurement, 'table' | 'indexes'> & { requests: Record<string, number> };
    const readMeter = async () => ((await (await fetch(rt.proxy!)).json()) as { meter: Meter }).meter;
    const requestsOf = (x: Meter) => Object.values(x.requests).reduce((a, b) => a + b, 0);
    const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];
    const writesOf = (x: Meter) => WRITES.reduce((n, op) => n + (x.requests[op] ?? 0), 0);
    // The reconciler polls its shards on a timer whether or not leads come: a cost per minute, not
    // per life cycle. Measured idle first, and taken out of the run pro rata.
    const IDLE_SECONDS = 15;
    await fetch(rt.proxy!, { method: 'DELETE' });
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = await readMeter();
    await fetch(rt.proxy!, { method: 'DELETE' });
    const runStart = performance.now();

    const api: Record<string, number> = {};
    const hit = (route: string) => {
      api[route] = (api[route] ?? 0) + 1;
    };
    const mix = { won: 0.4, lost: 0.1, declined: 0.3, expired: 0.2 };
    const fateOf = (i: number) => {
      const x = (i % 10) / 10;
      return x < 0.4 ? 'won' : x < 0.5 ? 'lost' : x < 0.8 ? 'declined' : 'expired';
    };
    const versions = { won: 4, lost: 3, declined: 2, expired: 3 } as const;
    let leadVersions = 0;
    let sampleId = '';
    log(`cost: ${N} life cycles`);
    await pool(
      Array.from({ length: N }, (_, i) => i),
      4,
      async (i) => {
        const fate = fateOf(i);
        leadVersions += versions[fate];
        const created = await call(
          stats,
          rt.api,
          rt.senderToken,
          'POST',
          '/v1/leads',
          leadBody(rt.partnerId, i),
          {
            'idempotency-key': `cost-${rt.partnerId}-${i}`,
          },
        );
        hit('POST /v1/leads');
        const id = String(created.body.id);
        sampleId = id;
        await call(stats, rt.api, rt.partnerToken, 'GET', '/v1/leads?limit=25');
        hit('GET /v1/leads');
        await call(stats, rt.api, rt.partnerToken, 'GET', `/v1/leads/${id}`);
        hit('GET /v1/leads/{id}');
        const act = async (path: string, body: unknown, method = 'POST') => {
          await call(stats, rt.api, rt.partnerToken, method, `/v1/leads/${id}${path}`, body);
          hit(`${method} /v1/leads/{id}${path}`);
        };
        if (fate === 'won' || fate === 'lost') {
          await act('/accept', acceptBody);
          if (fate === 'won') await act('', { deal: { notes: 'Call scheduled' } }, 'PATCH');
          await act(`/${fate}`, fate === 'won' ? { finalValue: { amount: 900, currency: 'EUR' } } : {});
        }
        if (fate === 'declined') await act('/decline', { reason: 'no-capacity' });
        await call(stats, rt.api, rt.senderToken, 'GET', `/v1/sent-leads/${id}`);
        hit('GET /v1/sent-leads/{id}');
      },
    );
    const expired = Math.round(N * mix.expired);
    const declined = Math.round(N * mix.declined);
    // Settled: every email the mix implies has reached SES (an alert each, a decline or an expiry
    // email and a reminder where due), and the functions have written nothing for 5 s (the
    // consumers and the search indexer are done). Watching costs no DynamoDB request.
    let last = -1;
    let quietSince = performance.now();
    const settled = await waitFor(windowSeconds + 120, async () => {
      const now = writesOf(await readMeter());
      if (now !== last) {
        last = now;
        quietSince = performance.now();
      }
      const sentMail = (await emails(rt.ses)).length - mailBefore;
      return sentMail >= N + declined + 2 * expired && performance.now() - quietSince > 5000;
    });
    if (Number.isNaN(settled)) log('cost: WARNING the run did not settle; figures may be short');
    const raw = await readMeter();
    const scale = (performance.now() - runStart) / 1000 / IDLE_SECONDS;
    const less = (a: number, b: number) => Math.max(0, a - b * scale);
    const meter = {
      meter: {
        requests: Object.fromEntries(
          Object.entries(raw.requests).map(([op, n]) => [op, Math.round(less(n, idle.requests[op] ?? 0))]),
        ),
        table: { read: less(raw.table.read, idle.table.read), write: raw.table.write },
        indexes: Object.fromEntries(
          Object.entries(raw.indexes).map(([name, u]) => [
            name,
            { read: less(u.read, idle.indexes[name]?.read ?? 0), write: u.write },
          ]),
        ),
      },
    };
    log(
      `cost: the reconciler's idle polling (${requestsOf(idle)} requests in ${IDLE_SECONDS} s) taken out over ${(scale * IDLE_SECONDS).toFixed(0)} s`,
    );
    const all = (await emails(rt.ses)).slice(mailBefore);
    const kind = (subject: string) =>
      subject.startsWith('Reminder')
        ? 'reminder'
        : subject.includes('expired')
          ? 'expiry (to the sender)'
          : subject.includes('choose another partner')
            ? 'decline (to the customer)'
            : subject.includes('New lead')
              ? 'new-lead alert'
              : 'other';
    const byKind: Record<string, number> = {};
    for (const e of all) byKind[kind(e.subject)] = (byKind[kind(e.subject)] ?? 0) + 1;

    // Each read route alone, warm: requests and read units of one call.
    const reads: Measurement['reads'] = {};
    const routes: Record<string, [string, string]> = {
      list: [rt.partnerToken, '/v1/leads?limit=25'],
      lead: [rt.partnerToken, `/v1/leads/${sampleId}`],
      insights: [rt.partnerToken, '/v1/insights'],
      search: [rt.senderToken, '/v1/partners?keyword=erp&country=IT'],
    };
    for (const [name, [token, path]] of Object.entries(routes)) {
      await call(stats, rt.api, token, 'GET', path);
      const before = await readMeter();
      await call(stats, rt.api, token, 'GET', path);
      const after = await readMeter();
      const units = (x: Meter) => x.table.read + Object.values(x.indexes).reduce((a, u) => a + u.read, 0);
      reads[name] = {
        requests: requestsOf(after) - requestsOf(before),
        readUnits: units(after) - units(before),
      };
    }
    return {
      measuredAt: new Date().toISOString(),
      lifeCycles: N,
      mix,
      apiRequests: api,
      dynamoRequests: meter.meter.requests,
      table: meter.meter.table,
      indexes: meter.meter.indexes,
      emails: byKind,
      leadVersions,
      reads,
    };
  } finally {
    await rt.stop();
  }
}

const money = (n: number) => `$${n.toFixed(4)}`;

function print(m: Measurement) {
  const p = perLifeCycle(m);
  const cost = costPerThousand(m);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`Cost and capacity (measured ${m.measuredAt}, ${m.lifeCycles} life cycles; prices: ${prices.asOf})`);
  out();
  out('Per life cycle');
  out(`  API requests            ${p.apiRequests.toFixed(2)}`);
  out(
    `  DynamoDB requests       ${p.dynamoRequests.toFixed(2)}  ${JSON.stringify(Object.fromEntries(Object.entries(p.dynamoByOperation).map(([k, v]) => [k, Number(v.toFixed(2))])))}`,
  );
  out(`  write units             ${p.writeUnits.toFixed(2)} (table ${p.table.write.toFixed(2)})`);
  for (const [name, u] of Object.entries(p.indexes))
    out(`    ${name.padEnd(22)}${u.write.toFixed(2)} write, ${u.read.toFixed(2)} read`);
  out(`  read units              ${p.readUnits.toFixed(2)}`);
  out(`  emails                  ${p.emails.toFixed(2)}  ${JSON.stringify(m.emails)} over ${m.lifeCycles}`);
  out(`  lead versions (stream)  ${p.leadVersions.toFixed(2)}`);
  out();
  out('Cost per 1,000 full life cycles (USD)');
  for (const [line, dollars] of Object.entries(cost.lines)) out(`  ${line.padEnd(40)}${money(dollars)}`);
  out(`  ${'total'.padEnd(40)}${money(cost.total)}`);
  out(
    `  (Lambda: ${cost.consumerInvocations.toFixed(1)} consumer invocations and ${cost.lambdaSeconds.toFixed(2)} s at ${assumptions.lambdaMemoryGb} GB per life cycle, assumed)`,
  );
  out();
  const scenario = {
    intakesPerSecond: 1000,
    topPartnerShare: 0.05,
    topSenderShare: 1,
    topCustomerShare: 0.1,
  };
  out(
    `Writes at ${scenario.intakesPerSecond} intakes/s (busiest partner ${scenario.topPartnerShare * 100} %, one sender sends everything, busiest customer domain 10 % of that partner)`,
  );
  for (const h of writeHotspots(m, scenario))
    out(
      `  ${h.index.padEnd(16)}${h.partitionKey.padEnd(28)}${String(h.busiestPartitionWcuPerSecond).padStart(7)} WCU/s  ${h.holds ? 'holds' : 'HOT  '}  (ceiling ${h.intakeCeilingPerSecond} intakes/s)`,
    );
  const sender = { ...scenario, intakesPerSecond: (3_000_000 / (365 * 86400)) * 100, topSenderShare: 1 };
  out(
    `A sender with 3 million leads a year, at 100x its average rate (${sender.intakesPerSecond.toFixed(1)} leads/s):`,
  );
  const bySender = writeHotspots(m, sender).find((h) => h.index === 'bySender');
  if (bySender)
    out(
      `  bySender        ${bySender.busiestPartitionWcuPerSecond} WCU/s on its month partition: ${bySender.holds ? 'holds' : 'HOT'}`,
    );
  out();
  const readMix = { list: 0.6, lead: 0.3, insights: 0.05, search: 0.05 };
  out(`Reads at 10,000 partner reads/s (${JSON.stringify(readMix)}; busiest partner 5 %)`);
  for (const h of readHotspots(m, { readsPerSecond: 10_000, mix: readMix, topPartnerShare: 0.05 }))
    out(
      `  ${h.route.padEnd(10)}${String(h.readsPerSecond).padStart(6)}/s  ${h.readUnitsPerCall} RCU/call  busiest partition ${h.busiestPartitionRcuPerSecond} RCU/s  ${h.holds ? 'holds' : 'HOT'}`,
    );
}

const measurement: Measurement = from
  ? (JSON.parse(readFileSync(from, 'utf8')) as Measurement)
  : await measure();
if (args.includes('--write')) {
  const file = join(process.cwd(), 'docs', 'capacity-measured.json');
  writeFileSync(file, `${JSON.stringify(measurement, null, 2)}\n`);
  process.stderr.write(`cost: measurement saved to ${file}\n`);
}
print(measurement);
process.exit(0);
