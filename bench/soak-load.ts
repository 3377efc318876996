/**
 * `npm run soak -- load`: autocannon against the local API at a fixed rate for a bounded time, a mix
 * of writes (a sender creates a lead, the partner accepts or declines it) and reads (the partner's
 * list, the sender's list, insights, partner search). Passes when no answer is a 5xx and nothing is
 * lost or made up: the leads in the sender's and the partner's lists are exactly those the API
 * acknowledged (201), plus those whose answer the run's end cut off (found by replaying their
 * Idempotency-Key); every accept or decline acknowledged shows on its lead; and the insights count
 * exactly the leads and answers the lists hold.
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
    /** Lead number -> the id its 201 named; lead id -> the answer a 200 acknowledged. */
    const acknowledged = new Map<number, string>();
    const answers = new Map<string, 'accepted' | 'declined'>();
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
            const connection = context as Connection;
            created.add(id);
            acknowledged.set(connection.n ?? -1, id);
            connection.id = id;
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
            const lead = JSON.parse(body) as { id?: string; stage?: string; outcome?: string };
            if (lead.id && lead.stage === 'accepted') answers.set(lead.id, 'accepted');
            if (lead.id && lead.outcome === 'declined') answers.set(lead.id, 'declined');
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

    log(`load: ${created.size} leads acknowledged; checking nothing was lost`);
    // Requests in flight when the run ended reached the API or not: the replay of their key says
    // which lead they made (one that never arrived makes it now, which is as good).
    const cutOff: string[] = [];
    for (let n = 0; n < next; n++) {
      if (acknowledged.has(n)) continue;
      const replay = await call(
        stats,
        rt.api,
        rt.senderToken,
        'POST',
        '/v1/leads',
        leadBody(rt.partnerId, n),
        {
          'idempotency-key': `soak-${runId}-${n}`,
        },
      );
      if (replay.status === 201 || replay.status === 200) cutOff.push(String(replay.body.id));
    }
    const expected = new Set([...created, ...cutOff]);
    const sent = await listAll(stats, rt.api, rt.senderToken, '/v1/sent-leads');
    const sentIds = new Set(sent.filter((l) => l.partnerId === rt.partnerId).map((l) => String(l.id)));
    const partnerLeads = await listAll(stats, rt.api, rt.partnerToken, '/v1/leads');
    const partnerIds = new Set(partnerLeads.map((l) => String(l.id)));
    const leadOf = new Map(partnerLeads.map((l) => [String(l.id), l]));
    const answersLost = [...answers].filter(([id, answer]) => {
      const lead = leadOf.get(id);
      return answer === 'accepted' ? lead?.stage !== 'accepted' : lead?.outcome !== 'declined';
    }).length;
    const listed = {
      accepted: partnerLeads.filter((l) => l.stage === 'accepted').length,
      declined: partnerLeads.filter((l) => l.outcome === 'declined').length,
    };
    let insights: Record<string, number> = {};
    const countedIn = await waitFor(60, async () => {
      const reply = await call(stats, rt.api, rt.partnerToken, 'GET', '/v1/insights');
      insights = reply.body.leads as Record<string, number>;
      return (
        insights.received === expected.size &&
        insights.accepted === listed.accepted &&
        insights.declined === listed.declined
      );
    });
    const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((id) => b.has(id));
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
      leadsAcknowledged: created.size,
      'cut off at the end': `${cutOff.length} (found by replaying their Idempotency-Key)`,
      answersAcknowledged: answers.size,
      inSenderList: sentIds.size,
      inPartnerList: `${partnerIds.size} (${listed.accepted} accepted, ${listed.declined} declined)`,
      insights: `${insights.received} received, ${insights.accepted} accepted, ${insights.declined} declined`,
      insightsCaughtUpSeconds: Number.isNaN(countedIn) ? 'not within 60 s' : Number(countedIn.toFixed(1)),
      streamRecordsSetAside: failedStreamRecords() - failedBefore,
    };
    return report('Load soak: fixed-rate reads and writes', figures, {
      'no 5xx': w['5xx'] + r['5xx'] === 0 && stats.fiveXx === 0,
      'no connection errors or timeouts': w.errors + r.errors + w.timeouts + r.timeouts === 0,
      'sender list = the leads made, no more, no less': same(sentIds, expected),
      'partner list = the leads made, no more, no less': same(partnerIds, expected),
      'every acknowledged answer shows on its lead': answersLost === 0,
      'insights count exactly the listed leads and answers': !Number.isNaN(countedIn),
      'no stream record set aside': failedStreamRecords() === failedBefore,
    });
  } finally {
    await rt.stop();
  }
}
