/**
 * `npm run soak -- load`: autocannon against the local API at a fixed rate for a bounded time, a mix
 * of writes (a sender creates a lead, the partner accepts or declines it) and reads (the partner's
 * list, the sender's list, insights, partner search). Passes when no answer is a 5xx and nothing is
 * lost: every lead a 201 answered is in the sender's list, in the partner's list, and counted by
 * the insights, and every answer the partner got a 200 for is counted too.
 *
 * Knobs: SOAK_SECONDS (60), SOAK_WRITE_RATE (20 requests/s: 10 leads created and 10 answered),
 * SOAK_READ_RATE (30 requests/s), SOAK_CONNECTIONS (8 per client).
 */
import autocannon from 'autocannon';
import {
  acceptBody,
  ClientStats,
  call,
  failedStreamRecords,
  leadBody,
  listAll,
  log,
  report,
  setting,
  startSoakRuntime,
  waitFor,
} from './soak-support.js';

type Connection = { id?: string; n?: number };

export async function load(): Promise<boolean> {
  const SECONDS = setting('SOAK_SECONDS', 60);
  const WRITE_RATE = setting('SOAK_WRITE_RATE', 20);
  const READ_RATE = setting('SOAK_READ_RATE', 30);
  const CONNECTIONS = setting('SOAK_CONNECTIONS', 8);
  log('load: starting a local runtime (window PT1H: nothing expires during the run)');
  const failedBefore = failedStreamRecords();
  const rt = await startSoakRuntime(3600);
  try {
    const stats = new ClientStats();
    const profile = await call(stats, rt.api, rt.partnerToken, 'PUT', '/v1/profile', {
      companyName: 'Soak Partner',
      keywords: ['erp migration'],
      locations: [
        { name: 'Milan', country: 'IT', contacts: [{ name: 'Ops', email: `ops@${rt.partnerId}.example` }] },
      ],
    });
    if (profile.status !== 200) throw new Error(`PUT /v1/profile: ${profile.status}`);

    const created = new Set<string>();
    const answered = { accepted: 0, declined: 0 };
    let next = 0;
    const bearer = (token: string) => ({
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    });
    const runId = Date.now().toString(36);

    log(
      `load: ${SECONDS} s at ${WRITE_RATE} writes/s and ${READ_RATE} reads/s, ${CONNECTIONS} connections each`,
    );
    const writes = autocannon({
      url: rt.api,
      connections: CONNECTIONS,
      overallRate: WRITE_RATE,
      duration: SECONDS,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: '/v1/leads',
          setupRequest: (request, context) => {
            const connection = context as Connection;
            connection.n = next++;
            delete connection.id;
            return {
              ...request,
              headers: { ...bearer(rt.senderToken), 'idempotency-key': `soak-${runId}-${connection.n}` },
              body: JSON.stringify(leadBody(rt.partnerId, connection.n)),
            };
          },
          onResponse: (status, body, context) => {
            if (status !== 201) return;
            const id = (JSON.parse(body) as { id: string }).id;
            created.add(id);
            (context as Connection).id = id;
          },
        },
        {
          method: 'POST',
          path: '/v1/leads',
          setupRequest: (request, context) => {
            const { id, n = 0 } = context as Connection;
            // No lead to answer (its creation failed): read the partner's list instead.
            if (!id)
              return {
                ...request,
                method: 'GET',
                path: '/v1/leads?limit=25',
                headers: bearer(rt.partnerToken),
              };
            const accept = n % 2 === 0;
            return {
              ...request,
              path: `/v1/leads/${id}/${accept ? 'accept' : 'decline'}`,
              headers: bearer(rt.partnerToken),
              body: JSON.stringify(accept ? acceptBody : { reason: 'no-capacity' }),
            };
          },
          onResponse: (status, body) => {
            if (status !== 200) return;
            const lead = JSON.parse(body) as { stage?: string; outcome?: string };
            if (lead.stage === 'accepted') answered.accepted += 1;
            if (lead.outcome === 'declined') answered.declined += 1;
          },
        },
      ],
    });
    const reads = autocannon({
      url: rt.api,
      connections: CONNECTIONS,
      overallRate: READ_RATE,
      duration: SECONDS,
      timeout: 30,
      requests: [
        { method: 'GET', path: '/v1/leads?limit=25', headers: bearer(rt.partnerToken) },
        { method: 'GET', path: '/v1/sent-leads?limit=25', headers: bearer(rt.senderToken) },
        { method: 'GET', path: '/v1/insights', headers: bearer(rt.partnerToken) },
        { method: 'GET', path: '/v1/partners?keyword=erp&country=IT', headers: bearer(rt.senderToken) },
      ],
    });
    const [w, r] = await Promise.all([writes, reads]);

    log(`load: ${created.size} leads created; checking nothing was lost`);
    const sent = await listAll(stats, rt.api, rt.senderToken, '/v1/sent-leads');
    const sentIds = new Set(sent.filter((l) => l.partnerId === rt.partnerId).map((l) => String(l.id)));
    const partnerLeads = await listAll(stats, rt.api, rt.partnerToken, '/v1/leads');
    const partnerIds = new Set(partnerLeads.map((l) => String(l.id)));
    let insights: Record<string, number> = {};
    const countedIn = await waitFor(60, async () => {
      const reply = await call(stats, rt.api, rt.partnerToken, 'GET', '/v1/insights');
      insights = reply.body.leads as Record<string, number>;
      return (
        insights.received === created.size &&
        insights.accepted === answered.accepted &&
        insights.declined === answered.declined
      );
    });
    const missingFrom = (ids: Set<string>) => [...created].filter((id) => !ids.has(id)).length;
    const latency = (result: autocannon.Result) => ({
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    });
    const figures = {
      seconds: SECONDS,
      writeRequests: w.requests.sent,
      readRequests: r.requests.sent,
      'writes/s (mean)': w.requests.average,
      'reads/s (mean)': r.requests.average,
      'write latency ms': latency(w),
      'read latency ms': latency(r),
      writeStatuses: w.statusCodeStats,
      readStatuses: r.statusCodeStats,
      'errors/timeouts': `${w.errors + r.errors}/${w.timeouts + r.timeouts}`,
      leadsCreated: created.size,
      answered: `${answered.accepted} accepted, ${answered.declined} declined`,
      inSenderList: sentIds.size,
      inPartnerList: partnerIds.size,
      insights: `${insights.received} received, ${insights.accepted} accepted, ${insights.declined} declined`,
      insightsCaughtUpSeconds: Number.isNaN(countedIn) ? 'not within 60 s' : Number(countedIn.toFixed(1)),
      streamRecordsSetAside: failedStreamRecords() - failedBefore,
    };
    return report('Load soak: fixed-rate reads and writes', figures, {
      'no 5xx': w['5xx'] + r['5xx'] === 0 && stats.fiveXx === 0,
      'no connection errors or timeouts': w.errors + r.errors + w.timeouts + r.timeouts === 0,
      'every created lead in the sender list': missingFrom(sentIds) === 0 && sentIds.size === created.size,
      'every created lead in the partner list':
        missingFrom(partnerIds) === 0 && partnerIds.size === created.size,
      'insights count every lead and answer': !Number.isNaN(countedIn),
      'no stream record set aside': failedStreamRecords() === failedBefore,
    });
  } finally {
    await rt.stop();
  }
}
