/**
 * `npm run soak -- throttle`: DynamoDB throttling injected. The local runtime's functions reach the
 * table through local/dynamodb-proxy.ts, which answers a fraction of their requests
 * ProvisionedThroughputExceededException (before the database sees them, as DynamoDB refuses a
 * throttled request). Leads are created (with Idempotency-Key), declined, accepted and won, or
 * left to expire, while the API, the stream consumers, the email queue and the reconciler all meet
 * the throttle. The client retries 429s with the same key. Passes when nothing is lost or doubled:
 * each lead is listed once, the insights count exactly what happened, every decline and expiry
 * email arrives exactly once, and no answer was a 5xx.
 *
 * Knobs: SOAK_THROTTLE (0.25 of requests: enough that some outlast the SDK's 3 attempts and reach the client as 429s), SOAK_THROTTLE_LEADS (90: a third each declined, won, left
 * to expire).
 */
import { pool } from './expiry.js';
import {
  acceptBody,
  ClientStats,
  call,
  emails,
  failedStreamRecords,
  leadBody,
  listAll,
  log,
  report,
  setting,
  startSoakRuntime,
  waitFor,
} from './soak-support.js';

type Meter = {
  requests: Record<string, number>;
  throttled: Record<string, number>;
};
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export async function throttle(): Promise<boolean> {
  const FRACTION = setting('SOAK_THROTTLE', 0.25, true);
  const LEADS = setting('SOAK_THROTTLE_LEADS', 90);
  const windowSeconds = 40;
  log(
    `throttle: starting a local runtime, ${Math.round(FRACTION * 100)} % of the functions' DynamoDB requests throttled`,
  );
  const failedBefore = failedStreamRecords();
  const rt = await startSoakRuntime(
    windowSeconds,
    {
      LOCAL_DYNAMODB_THROTTLE: String(FRACTION),
      EMAIL_RETRY_BASE: 'PT1S',
      EMAIL_RETRY_CAP: 'PT5S',
      RECONCILE_GRACE: 'PT5S',
    },
    true,
  );
  try {
    const stats = new ClientStats();
    const runId = Date.now().toString(36);
    const fates = ['declined', 'won', 'expired'] as const;
    const leads: Array<{ id: string; customer: string; fate: (typeof fates)[number] }> = [];
    const conflicts = { retriedIntoConflict: 0 };
    const started = performance.now();
    await pool(
      Array.from({ length: LEADS }, (_, i) => i),
      6,
      async (i) => {
        const customer = `throttle-${i}-${rt.partnerId}@fabrikam.example`;
        const created = await call(
          stats,
          rt.api,
          rt.senderToken,
          'POST',
          '/v1/leads',
          leadBody(rt.partnerId, i, customer),
          { 'idempotency-key': `throttle-${runId}-${i}` },
        );
        if (created.status !== 201)
          throw new Error(`create ${i}: ${created.status} ${JSON.stringify(created.body)}`);
        const id = String(created.body.id);
        const fate = fates[i % 3]!;
        leads.push({ id, customer, fate });
        // An action retried after a 429 may find its first attempt applied (a later write of the same
        // request was the throttled one): a 409 then is checked against the lead, not counted lost.
        const act = async (
          path: string,
          body: unknown,
          expected: (lead: Record<string, unknown>) => boolean,
        ) => {
          const reply = await call(stats, rt.api, rt.partnerToken, 'POST', `/v1/leads/${id}/${path}`, body);
          if (reply.status === 200) return;
          const lead = await call(stats, rt.api, rt.partnerToken, 'GET', `/v1/leads/${id}`);
          if (reply.status === 409 && expected(lead.body)) {
            conflicts.retriedIntoConflict += 1;
            return;
          }
          throw new Error(`${path} ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
        };
        if (fate === 'declined')
          await act('decline', { reason: 'no-capacity' }, (l) => l.outcome === 'declined');
        if (fate === 'won') {
          await act('accept', acceptBody, (l) => l.stage === 'accepted' || l.stage === 'archived');
          await act('won', {}, (l) => l.outcome === 'won');
        }
      },
    );
    const actSeconds = (performance.now() - started) / 1000;
    log(
      `throttle: ${leads.length} leads in ${actSeconds.toFixed(0)} s; waiting for expiry, emails and insights`,
    );

    const by = (fate: string) => leads.filter((l) => l.fate === fate);
    const mailOf = (all: Awaited<ReturnType<typeof emails>>) => ({
      declines: by('declined').map((l) => all.filter((e) => e.destination.to.includes(l.customer)).length),
      expiries: by('expired').map(
        (l) => all.filter((e) => / expired: /.test(e.subject) && e.subject.includes(l.id)).length,
      ),
    });
    let insights: Record<string, number> = {};
    const settled = await waitFor(windowSeconds + 120, async () => {
      const reply = await call(stats, rt.api, rt.partnerToken, 'GET', '/v1/insights');
      insights = (reply.body.leads as Record<string, number>) ?? {};
      const mail = mailOf(await emails(rt.ses));
      return (
        insights.received === LEADS &&
        insights.declined === by('declined').length &&
        insights.won === by('won').length &&
        insights.expired === by('expired').length &&
        [...mail.declines, ...mail.expiries].every((n) => n >= 1)
      );
    });
    // Let any duplicate still on its way arrive before counting.
    await new Promise((r) => setTimeout(r, 5000));
    const mail = mailOf(await emails(rt.ses));
    const sent = await listAll(stats, rt.api, rt.senderToken, '/v1/sent-leads');
    const mine = sent.filter((l) => l.partnerId === rt.partnerId);
    const meter = ((await (await fetch(rt.proxy!)).json()) as { meter: Meter }).meter;
    const once = (counts: number[]) => counts.every((n) => n === 1);
    const figures = {
      throttledFraction: FRACTION,
      leads: `${LEADS} (${by('declined').length} declined, ${by('won').length} won, ${by('expired').length} expired)`,
      'dynamodb requests': total(meter.requests),
      'throttled (injected)': `${total(meter.throttled)} ${JSON.stringify(meter.throttled)}`,
      'api answers': stats.statuses,
      'client retries (429)': stats.retries,
      'actions found applied': conflicts.retriedIntoConflict,
      settledSeconds: Number.isNaN(settled) ? 'not settled' : Number(settled.toFixed(1)),
      insights: `${insights.received} received, ${insights.declined} declined, ${insights.won} won, ${insights.expired} expired`,
      inSenderList: `${mine.length} (${new Set(mine.map((l) => l.id)).size} distinct)`,
      declineEmails: `${mail.declines.filter((n) => n === 1).length} once, ${mail.declines.filter((n) => n === 0).length} missing, ${mail.declines.filter((n) => n > 1).length} doubled`,
      expiryEmails: `${mail.expiries.filter((n) => n === 1).length} once, ${mail.expiries.filter((n) => n === 0).length} missing, ${mail.expiries.filter((n) => n > 1).length} doubled`,
      streamRecordsSetAside: failedStreamRecords() - failedBefore,
    };
    return report('Throttle soak: DynamoDB throttling injected', figures, {
      'throttling was injected': total(meter.throttled) > 0,
      'no 5xx': stats.fiveXx === 0,
      'each lead listed once': mine.length === LEADS && new Set(mine.map((l) => l.id)).size === LEADS,
      'insights exact': !Number.isNaN(settled),
      'every decline email exactly once': once(mail.declines),
      'every expiry email exactly once': once(mail.expiries),
      'no stream record set aside': failedStreamRecords() === failedBefore,
    });
  } finally {
    await rt.stop();
  }
}
