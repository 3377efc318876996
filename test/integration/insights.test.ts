/**
 * Insights over HTTP, as a partner would try them (SPEC §7.2): leads are accepted, declined, let
 * expire, won and lost, and within seconds the insights show exactly those counts, rates and values.
 * Runs on the `short` runtime (4 s response window, reconciler every second) so expiry is quick.
 */
import {
  acceptBody,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  partner,
  post,
  sender,
  sleep,
  uniquePartner,
  urls,
} from './helpers.js';

const base = urls.short;

interface Counts {
  received: number;
  open: number;
  accepted: number;
  declined: number;
  expired: number;
  won: number;
  lost: number;
}
interface Insights extends JsonObject {
  leads: Counts & JsonObject;
  byType: JsonObject;
  rates: JsonObject;
  months: Array<JsonObject & { month: string; leads: Counts & JsonObject }>;
}

/** Polls the insights until `done` holds (or 30 s pass), and returns the last answer. */
async function insightsWhen(token: string, done: (i: Insights) => boolean, path = '/v1/insights') {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reply = await get<Insights>(path, { token, base });
    expect(reply.status).toBe(200);
    if (done(reply.body) || Date.now() > deadline) return reply.body;
    await sleep(300);
  }
}

describe('GET /v1/insights', () => {
  it('shows exactly the counts, rates and values of leads accepted, declined, expired, won and lost', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const create = (type: string) => createLead(partnerId, { type }, { base });
    // Seven leads: four accepted, one declined, two left to expire.
    const [a1, a2, a3, a4, d1, e1, e2] = await Promise.all([
      create('customer-inquiry'),
      create('customer-inquiry'),
      create('sales-qualified'),
      create('sales-qualified'),
      create('marketing-qualified'),
      create('customer-inquiry'),
      create('marketing-qualified'),
    ]);
    const act = async (id: string | undefined, action: string, body: JsonObject) => {
      const reply = await post(`/v1/leads/${id}/${action}`, body, { token, base });
      expect([action, reply.status]).toEqual([action, 200]);
    };
    const deal = (amount: number, currency: string) =>
      acceptBody({ deal: { name: 'Deal', value: { amount, currency }, estimatedCloseDate: '2027-06-30' } });
    await Promise.all([
      act(a1, 'accept', deal(100000, 'EUR')),
      act(a2, 'accept', deal(50000, 'EUR')),
      act(a3, 'accept', deal(120000, 'EUR')),
      act(a4, 'accept', deal(1000, 'USD')),
      act(d1, 'decline', { reason: 'no-capacity' }),
    ]);
    await act(a1, 'won', { finalValue: { amount: 110000.5, currency: 'EUR' } });
    await act(a2, 'lost', {});
    // An edit of the deal value moves the pipeline; an edit of the notes moves nothing.
    expect(
      (
        await call('PATCH', `/v1/leads/${a4}`, {
          token,
          base,
          body: { deal: { value: { amount: 2000.25, currency: 'USD' } } },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/v1/leads/${a3}`, { token, base, body: { deal: { notes: 'call on Monday' } } }))
        .status,
    ).toBe(200);
    // A favorite is not a lead change either.
    expect((await call('PUT', `/v1/leads/${a3}/favorite`, { token, base })).status).toBe(204);

    const expected = { received: 7, open: 0, accepted: 4, declined: 1, expired: 2, won: 1, lost: 1 };
    const insights = await insightsWhen(token, (i) => JSON.stringify(i.leads) === JSON.stringify(expected));
    expect(insights.leads).toEqual(expected);
    for (const id of [e1, e2]) {
      expect((await get(`/v1/leads/${id}`, { token, base })).body).toMatchObject({ outcome: 'expired' });
    }
    expect(insights).toMatchObject({
      partnerId,
      rates: { acceptance: 0.571, win: 0.5, expiry: 0.286, answeredWithin24h: 0.714 },
      declineReasons: { 'no-capacity': 1 },
      value: {
        pipeline: [
          { currency: 'EUR', amount: 120000 },
          { currency: 'USD', amount: 2000.25 },
        ],
        won: [{ currency: 'EUR', amount: 110000.5 }],
      },
      byType: {
        'customer-inquiry': { received: 3, accepted: 2, won: 1, lost: 1, expired: 1, declined: 0, open: 0 },
        'sales-qualified': { received: 2, accepted: 2, won: 0, lost: 0, expired: 0, declined: 0, open: 0 },
        'marketing-qualified': { received: 2, accepted: 0, declined: 1, expired: 1, open: 0 },
      },
    });
    // Answered within seconds of receipt: the sketch's median says a few seconds, not hours.
    const responseTime = insights.responseTime as { medianSeconds: number; p90Seconds: number };
    expect(responseTime.medianSeconds).toBeGreaterThanOrEqual(0);
    expect(responseTime.p90Seconds).toBeLessThan(60);
    const month = new Date().toISOString().slice(0, 7);
    expect(insights.to).toBe(month);
    expect(insights.months.map((m) => m.month)).toHaveLength(3);
    expect(insights.months.at(-1)).toMatchObject({ month, leads: expected });
    const platform = insights.platform as { rates: JsonObject };
    expect(platform.rates.acceptance).toEqual(expect.any(Number));

    // The same figures asked for this month alone; still exactly the same after a few more seconds.
    await sleep(1500);
    const again = await get<Insights>(`/v1/insights?from=${month}&to=${month}`, { token, base });
    expect(again.body.leads).toEqual(expected);
    expect(again.body.months).toHaveLength(1);
  });

  it('answers zeros and null rates to a partner without leads, and 400 to a bad period', async () => {
    const token = await partner(uniquePartner());
    const reply = await get<Insights>('/v1/insights?from=2025-01&to=2025-02', { token, base });
    expect(reply.status).toBe(200);
    expect(reply.body.leads).toEqual({
      received: 0,
      open: 0,
      accepted: 0,
      declined: 0,
      expired: 0,
      won: 0,
      lost: 0,
    });
    expect(reply.body.rates).toEqual({ acceptance: null, win: null, expiry: null, answeredWithin24h: null });
    expect(reply.body.responseTime).toEqual({ medianSeconds: null, p90Seconds: null });
    for (const [query, path] of [
      ['from=2025-13', 'query.from'],
      ['from=2025-03&to=2025-02', 'query.from'],
      ['from=2020-01&to=2025-02', 'query.from'],
      ['to=soon', 'query.to'],
      ['from=2999-01', 'query.from'],
    ] as const) {
      const refused = await get(`/v1/insights?${query}`, { token, base });
      expectProblem(refused, 400, 'validation-failed');
      expect((refused.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual([path]);
    }
    // A month still to come is a month without leads yet: zeros, not an error.
    const future = await get<Insights>('/v1/insights?from=2999-01&to=2999-01', { token, base });
    expect(future.status).toBe(200);
    expect(future.body.leads.received).toBe(0);
  });

  it("is the caller's partner's only, and a sender's token is refused", async () => {
    const owner = uniquePartner();
    await createLead(owner, {}, { base });
    const other = await partner(uniquePartner());
    const reply = await insightsWhen(other, () => true);
    expect(reply.leads.received).toBe(0);
    expectProblem(await get('/v1/insights', { token: await sender(), base }), 403);
  });
});
