/**
 * The time rules of SPEC §3 on the "short" runtime (LEAD_RESPONSE_WINDOW=PT4S,
 * CONTACT_NOW_WINDOW=PT2S): the contact-now alert turns into contact-requested, and a lead left
 * unanswered reads as archived/expired from the instant respondBy passes, however late the archiver
 * runs, with accept and decline refused as lead-expired.
 */
import {
  acceptBody,
  call,
  expectProblem,
  get,
  type JsonObject,
  leadBody,
  type Page,
  type PartnerLead,
  partner,
  post,
  sender,
  sleep,
  uniquePartner,
  urls,
} from './helpers.js';

const base = urls.short;

interface HistoryEntry {
  at: string;
  by: { type: string; id: string };
  action: string;
  from: string | null;
  to: string;
}

async function postLead(partnerId: string, overrides: JsonObject = {}): Promise<PartnerLead> {
  const reply = await post<PartnerLead>('/v1/leads', leadBody(partnerId, overrides), {
    token: await sender(),
    base,
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Sleeps until `ms` after `iso`. */
const until = async (iso: string, ms: number) => sleep(Math.max(0, Date.parse(iso) + ms - Date.now()));

describe('time rules (short windows)', () => {
  // The local runtime loads each handler on its first call: load them now, not while the clock runs.
  beforeAll(async () => {
    const token = await partner(uniquePartner());
    const unknown = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
    await Promise.all([
      get(`/v1/leads/${unknown}`, { token, base }),
      get(`/v1/leads/${unknown}/history`, { token, base }),
      get('/v1/leads', { token, base }),
      post(`/v1/leads/${unknown}/accept`, acceptBody(), { token, base }),
      post(`/v1/leads/${unknown}/decline`, { reason: 'duplicate' }, { token, base }),
      post(`/v1/leads/${unknown}/won`, {}, { token, base }),
      call('PATCH', `/v1/leads/${unknown}`, { token, base, body: { deal: { notes: 'x' } } }),
      call('PUT', `/v1/leads/${unknown}/favorite`, { token, base }),
      get(`/v1/sent-leads/${unknown}`, { token: await sender(), base }),
      post('/v1/leads', {}, { token: await sender(), base }),
    ]);
  });

  // Concurrent: both tests mostly wait for the clock.
  it.concurrent('contact-now, then contact-requested, then archived/expired and refused as lead-expired', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const answered = await postLead(partnerId, { contactRequested: true, type: 'sales-qualified' });
    const declined = await postLead(partnerId, { contactRequested: false });
    const flame = await postLead(partnerId, { contactRequested: true });
    const first = await get<PartnerLead>(`/v1/leads/${flame.id}`, { token, base });
    expect(Date.parse(String(flame.respondBy)) - Date.parse(String(flame.receivedAt))).toBe(4000);
    expect(first.status).toBe(200);
    expect(Date.now()).toBeLessThan(Date.parse(String(flame.receivedAt)) + 2000);
    expect(first.body).toMatchObject({ stage: 'received', alert: 'contact-now' });
    const received = await get<Page>('/v1/leads?stage=received', { token, base });
    expect(received.body.items.map((i) => i.id)).toEqual([flame.id, declined.id, answered.id]);

    const accepted = await post<PartnerLead>(`/v1/leads/${answered.id}/accept`, acceptBody(), {
      token,
      base,
    });
    expect(accepted.body).toMatchObject({ stage: 'accepted', alert: null });
    expect(
      (await post(`/v1/leads/${declined.id}/decline`, { reason: 'no-capacity' }, { token, base })).status,
    ).toBe(200);

    await until(String(flame.receivedAt), 2300);
    const later = await get<PartnerLead>(`/v1/leads/${flame.id}`, { token, base });
    expect(Date.now()).toBeLessThan(Date.parse(String(flame.respondBy)));
    expect(later.body).toMatchObject({ stage: 'received', outcome: null, alert: 'contact-requested' });

    // From the instant respondBy passes (before any archiver could have run), the lead is expired.
    await until(String(flame.respondBy), 150);
    const acceptLate = await post(`/v1/leads/${flame.id}/accept`, acceptBody(), { token, base });
    expectProblem(acceptLate, 409, 'lead-expired');
    const declineLate = await post(
      `/v1/leads/${flame.id}/decline`,
      { reason: 'no-capacity' },
      { token, base },
    );
    expectProblem(declineLate, 409, 'lead-expired');

    const expired = await get<PartnerLead>(`/v1/leads/${flame.id}`, { token, base });
    expect(expired.body).toMatchObject({ stage: 'archived', outcome: 'expired', alert: null });
    expect(expired.body.archivedAt).toEqual(expect.any(String));
    expect(Date.parse(String(expired.body.archivedAt))).toBeGreaterThanOrEqual(
      Date.parse(String(flame.respondBy)),
    );

    const sent = await get(`/v1/sent-leads/${flame.id}`, { token: await sender(), base });
    expect(sent.body).toMatchObject({ stage: 'archived', outcome: 'expired' });

    const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${flame.id}/history`, { token, base });
    const expiries = history.body.items.filter((h) => h.action === 'expire');
    expect(expiries).toHaveLength(1);
    expect(expiries[0]).toMatchObject({ from: 'received', to: 'archived', by: { type: 'system' } });
    expect(history.body.items.map((h) => h.action)).toEqual(['receive', 'expire']);

    const archived = await get<Page>('/v1/leads?stage=archived', { token, base });
    expect(archived.body.items.map((i) => [i.id, i.outcome])).toEqual([
      [flame.id, 'expired'],
      [declined.id, 'declined'],
    ]);
    const stillReceived = await get<Page>('/v1/leads?stage=received', { token, base });
    expect(stillReceived.body.items).toEqual([]);
    const marketplaceArchived = await get<Page>('/v1/leads?tab=marketplace&stage=archived', { token, base });
    expect(marketplaceArchived.body.items.map((i) => i.id)).toEqual([flame.id, declined.id]);

    // The answered lead did not expire; the archived one takes no further action.
    const stillAccepted = await get<PartnerLead>(`/v1/leads/${answered.id}`, { token, base });
    expect(stillAccepted.body).toMatchObject({ stage: 'accepted', outcome: null });
    expect(
      (await get<Page>('/v1/leads?stage=accepted', { token, base })).body.items.map((i) => i.id),
    ).toEqual([answered.id]);
    expectProblem(await post(`/v1/leads/${flame.id}/won`, {}, { token, base }), 409, 'lead-archived');
    expectProblem(
      await call('PATCH', `/v1/leads/${flame.id}`, { token, base, body: { deal: { notes: 'x' } } }),
      409,
      'lead-archived',
    );
    expect((await post(`/v1/leads/${answered.id}/won`, {}, { token, base })).status).toBe(200);
  });

  it.concurrent('an expired lead reads the same once the archiver or reconciler has moved it', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const lead = await postLead(partnerId);
    // The favorite stays across the expiry.
    expect((await call('PUT', `/v1/leads/${lead.id}/favorite`, { token, base })).status).toBe(204);
    await until(String(lead.respondBy), 150);
    const atDeadline = await get<PartnerLead>(`/v1/leads/${lead.id}`, { token, base });
    // Until the TTL archiver or the reconciler (every 5 s) stores the expiry, reads apply it.
    const readTime = await get<{ items: HistoryEntry[] }>(`/v1/leads/${lead.id}/history`, { token, base });
    expect(readTime.body.items.filter((h) => h.action === 'expire')).toHaveLength(1);
    let stored: HistoryEntry | undefined;
    while (!stored && Date.now() < Date.parse(String(lead.respondBy)) + 12_000) {
      await sleep(500);
      const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${lead.id}/history`, { token, base });
      const expiries = history.body.items.filter((h) => h.action === 'expire');
      expect(expiries).toHaveLength(1);
      if (expiries[0]!.by.id !== 'expiry') stored = expiries[0];
    }
    // SPEC §5: the archiver or the reconciler moves the lead itself, soon after respondBy.
    expect(stored).toMatchObject({ from: 'received', to: 'archived', by: { type: 'system' } });
    const after = await get<PartnerLead>(`/v1/leads/${lead.id}`, { token, base });
    for (const view of [atDeadline.body, after.body]) {
      expect(view).toMatchObject({ stage: 'archived', outcome: 'expired', alert: null, favorite: true });
    }
    expect(after.body.version).toBe(2);
    expect(after.headers.get('etag')).toBe('"2"');
    expectProblem(
      await post(`/v1/leads/${lead.id}/accept`, acceptBody(), { token, base }),
      409,
      'lead-expired',
    );
    const favorites = await get<Page>('/v1/leads?tab=favorites&stage=archived', { token, base });
    expect(favorites.body.items.map((i) => i.id)).toEqual([lead.id]);
    const archived = await get<Page>('/v1/leads?stage=archived', { token, base });
    expect(archived.body.items.map((i) => i.id)).toEqual([lead.id]);
    expect((await get<Page>('/v1/leads?stage=received', { token, base })).body.items).toEqual([]);
    const sent = await get(`/v1/sent-leads/${lead.id}`, { token: await sender(), base });
    expect(sent.body).toMatchObject({ stage: 'archived', outcome: 'expired' });
  });
});
