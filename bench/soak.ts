/**
 * `npm run soak -- <scenario>`: proof under load and faults (issue 7, item 9). Not part of `npm test`.
 * Each scenario starts a whole local runtime (`local/start.ts`) of its own on free ports.
 *   load        autocannon at a fixed rate, reads and writes: no 5xx, p99, nothing lost (soak-load.ts)
 *   ses-outage  SES down while leads are declined and expire: every email exactly once after (below)
 *   throttle    DynamoDB throttling injected: retried, nothing lost or doubled (soak-throttle.ts)
 *   all         the three, one after another (about 5 minutes)
 *
 * ses-outage: SES "stopped" (the local proxy drops every SendEmail connection) while leads are
 * declined and expire; then SES comes back, and every customer and sender email must arrive exactly
 * once. Knobs (environment): SOAK_LEADS (200: half declined, half left to expire),
 * SOAK_OUTAGE_SECONDS (90), SOAK_DRAIN_SECONDS (180: how long to wait for the queue to drain).
 */
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { partnerClaims, senderClaims } from '../local/claims.js';
import { localSigner } from '../local/jwt.js';
import { freePort } from '../local/ports.js';
import { pool, startRuntime, stopRuntime } from './expiry.js';
import { load } from './soak-load.js';
import { throttle } from './soak-throttle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const LEADS = number('SOAK_LEADS', 200);
const OUTAGE_SECONDS = number('SOAK_OUTAGE_SECONDS', process.argv[2] === 'all' ? 45 : 90);
const DRAIN_SECONDS = number('SOAK_DRAIN_SECONDS', 180);
const log = (line: string) => process.stderr.write(`soak: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Email = { subject: string; destination: { to: string[] }; body: { text?: string } };

async function sesOutage() {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
  };
  // Leads expire 30 s after they arrive; failed emails are retried from 2 s doubling to 10 s.
  const windowSeconds = 30;
  log(`starting a local runtime (window PT${windowSeconds}S, email retries PT2S..PT10S)`);
  const child = await startRuntime(root, ports, windowSeconds, {
    EMAIL_RETRY_BASE: 'PT2S',
    EMAIL_RETRY_CAP: 'PT10S',
    RECONCILE_GRACE: 'PT5S',
  });
  const api = `http://127.0.0.1:${ports.api}`;
  const ses = `http://127.0.0.1:${ports.ses}`;
  const started = performance.now();
  try {
    const signer = await localSigner();
    const senderToken = await signer.sign(senderClaims('fabrikam-referrals'), 3600);
    const partnerId = `soak-${Date.now().toString(36)}`;
    const partnerToken = await signer.sign(partnerClaims(partnerId, { user: 'soak-user' }), 3600);
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status >= 300)
        throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };

    log('SES goes down: every SendEmail connection is dropped');
    await fetch(`${ses}/_local/outage`, { method: 'PUT', body: JSON.stringify({ mode: 'down' }) });
    const outageStart = performance.now();

    const declined: Array<{ id: string; customer: string }> = [];
    const expiring: string[] = [];
    await pool(
      Array.from({ length: LEADS }, (_, i) => i),
      8,
      async (i) => {
        const customer = `soak-${i}-${partnerId}@fabrikam.example`;
        const lead = await call('POST', '/v1/leads', senderToken, {
          partnerId,
          type: 'customer-inquiry',
          customer: { companyName: `Company ${i}`, contactName: 'Ana', email: customer, country: 'IT' },
          need: { title: `Need ${i}` },
        });
        if (i % 2 === 0) {
          await call('POST', `/v1/leads/${lead.id}/decline`, partnerToken, { reason: 'no-capacity' });
          declined.push({ id: lead.id, customer });
        } else expiring.push(lead.id);
      },
    );
    log(`${declined.length} leads declined and ${expiring.length} left to expire, all while SES is down`);
    await sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (performance.now() - outageStart)));
    const status = (await (await fetch(`${ses}/_local/outage`)).json()) as {
      outages: Array<{ refused: number }>;
    };
    const refused = status.outages.reduce((sum, o) => sum + o.refused, 0);
    const before = ((await (await fetch(`${ses}/store`)).json()) as { emails: Email[] }).emails.length;
    await fetch(`${ses}/_local/outage`, { method: 'DELETE' });
    const outageSeconds = (performance.now() - outageStart) / 1000;
    log(
      `SES is back after ${outageSeconds.toFixed(0)} s (${refused} SendEmail calls refused, ${before} emails got through)`,
    );

    const recovered = performance.now();
    const wanted = declined.length + expiring.length;
    let got: Email[] = [];
    let drainSeconds = Number.NaN;
    while (performance.now() - recovered < DRAIN_SECONDS * 1000) {
      const store = (await (await fetch(`${ses}/store`)).json()) as { emails: Email[] };
      got = store.emails.filter((e) => / expired: |please choose another partner/.test(e.subject));
      if (got.length >= wanted) {
        drainSeconds = (performance.now() - recovered) / 1000;
        break;
      }
      await sleep(500);
    }
    // Let any duplicate that was still on its way arrive before counting.
    await sleep(5000);
    got = ((await (await fetch(`${ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) =>
      / expired: |please choose another partner/.test(e.subject),
    );
    const count = (match: (e: Email) => boolean) => got.filter(match).length;
    const perCustomer = declined.map((d) => count((e) => e.destination.to.includes(d.customer)));
    const perExpiry = expiring.map((id) => count((e) => e.subject.includes(id)));
    const all = [...perCustomer, ...perExpiry];
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${ports.sqs}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'soak', secretAccessKey: 'soak' },
    });
    const depth = async (name: string) =>
      Number(
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: `http://127.0.0.1:${ports.sqs}/000000000000/${name}`,
              AttributeNames: ['ApproximateNumberOfMessages'],
            }),
          )
        ).Attributes?.ApproximateNumberOfMessages ?? 0,
      );
    const result = {
      leads: LEADS,
      declined: declined.length,
      expired: expiring.length,
      outageSeconds: Math.round(outageSeconds),
      sendEmailRefused: refused,
      emailsDuringOutage: before,
      drainSeconds: Number.isNaN(drainSeconds) ? 'did not drain' : Number(drainSeconds.toFixed(1)),
      deliveredOnce: all.filter((n) => n === 1).length,
      missing: all.filter((n) => n === 0).length,
      duplicated: all.filter((n) => n > 1).length,
      deadLetters: await depth('emails-dead-letters'),
      stillQueued: await depth('emails'),
      totalSeconds: Math.round((performance.now() - started) / 1000),
    };
    const ok = result.missing === 0 && result.duplicated === 0 && result.deliveredOnce === wanted;
    process.stdout.write(`SES outage soak (${new Date().toISOString()})\n`);
    for (const [key, value] of Object.entries(result)) process.stdout.write(`  ${key.padEnd(20)} ${value}\n`);
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'}: every email ${ok ? 'arrived exactly once' : 'did NOT arrive exactly once'}\n`,
    );
    return ok;
  } finally {
    await stopRuntime(child);
  }
}

const scenarios: Record<string, () => Promise<boolean>> = {
  load,
  'ses-outage': sesOutage,
  throttle,
  all: async () => {
    // Every scenario runs, even after one fails: the figures of all three are the point.
    const results: boolean[] = [];
    for (const run of [load, sesOutage, throttle]) results.push(await run());
    return results.every(Boolean);
  },
};
const name = process.argv[2] ?? 'ses-outage';
const scenario = scenarios[name];
if (!scenario) {
  console.error(`npm run soak -- <scenario>: one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
scenario().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error('soak failed:', error);
    process.exit(1);
  },
);
