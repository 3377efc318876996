/**
 * Concurrent writers (SPEC §3, §4): one conditional write per action means exactly one of many
 * racing answers wins; an Idempotency-Key makes retries of POST /v1/leads safe.
 */
import {
  acceptBody,
  allPages,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  leadBody,
  type PartnerLead,
  partner,
  post,
  type Reply,
  sender,
  uniqueKey,
  uniquePartner,
} from './helpers.js';

interface SentLead extends JsonObject {
  id: string;
  partnerId: string;
}

/** The sender's leads for one partner id (partner ids are unique per test). */
async function sentTo(partnerId: string, senderId = 'microsoft-marketing'): Promise<SentLead[]> {
  const token = await sender(senderId);
  const { items } = await allPages<SentLead>('/v1/sent-leads', token, { limit: 100, maxPages: 30 });
  return items.filter((item) => item.partnerId === partnerId);
}

describe('racing partner actions', () => {
  it('16 concurrent accept/decline calls on one lead: exactly one 200, fifteen 409', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const tokens = await Promise.all(
      Array.from({ length: 4 }, (_, i) => partner(partnerId, 'referrals-admin', `user-${i}`)),
    );
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        i % 2 === 0
          ? post<PartnerLead>(`/v1/leads/${id}/accept`, acceptBody(), { token: tokens[i % 4]! })
          : post<PartnerLead>(
              `/v1/leads/${id}/decline`,
              { reason: 'no-capacity' },
              { token: tokens[i % 4]! },
            ),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(15).fill(409)]);
    const winner = replies.find((r) => r.status === 200)!;
    for (const loser of replies.filter((r) => r.status === 409)) {
      expectProblem(loser, 409);
      expect(['invalid-transition', 'lead-archived']).toContain(loser.body.code);
    }
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token: tokens[0]! });
    expect(read.body.version).toBe(2);
    expect(read.body.stage).toBe(winner.body.stage);
    const history = await get<{ items: unknown[] }>(`/v1/leads/${id}/history`, { token: tokens[0]! });
    expect(history.body.items).toHaveLength(2);
  });

  it('8 concurrent edits with the same If-Match: exactly one 200, the rest 412', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token })).status).toBe(200);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('PATCH', `/v1/leads/${id}`, {
          token,
          body: { deal: { notes: `writer ${i}` } },
          headers: { 'if-match': '"2"' },
        }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(412)]);
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token });
    expect(read.body.version).toBe(3);
  });
});

describe('Idempotency-Key', () => {
  it('same key and body: the same lead, 201 both times, the replay flagged', async () => {
    const partnerId = uniquePartner();
    const key = uniqueKey();
    const body = leadBody(partnerId);
    const token = await sender();
    const first = await post<SentLead>('/v1/leads', body, { token, headers: { 'idempotency-key': key } });
    const second = await post<SentLead>('/v1/leads', body, { token, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await sentTo(partnerId)).toHaveLength(1);
  });

  it('same key, other body: 409 idempotency-key-reused, and no second lead', async () => {
    const partnerId = uniquePartner();
    const key = uniqueKey();
    const token = await sender();
    const first = await post('/v1/leads', leadBody(partnerId, { externalId: 'one' }), {
      token,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    const other = await post('/v1/leads', leadBody(partnerId, { externalId: 'two' }), {
      token,
      headers: { 'idempotency-key': key },
    });
    expectProblem(other, 409, 'idempotency-key-reused');
    expect(await sentTo(partnerId)).toHaveLength(1);
  });

  it('keys are per sender: another sender may use the same key', async () => {
    const partnerId = uniquePartner();
    const key = uniqueKey();
    const body = leadBody(partnerId);
    const a = await post<SentLead>('/v1/leads', body, {
      token: await sender('microsoft-marketing'),
      headers: { 'idempotency-key': key },
    });
    const b = await post<SentLead>('/v1/leads', body, {
      token: await sender('fabrikam-referrals'),
      headers: { 'idempotency-key': key },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it('without a key, two identical posts make two leads', async () => {
    const partnerId = uniquePartner();
    const body = leadBody(partnerId);
    const token = await sender();
    const [a, b] = await Promise.all([
      post('/v1/leads', body, { token }),
      post('/v1/leads', body, { token }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await sentTo(partnerId)).toHaveLength(2);
  });

  it('an invalid key answers 400', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    for (const key of ['has space', 'x'.repeat(256)]) {
      const reply = await post('/v1/leads', leadBody(partnerId), {
        token,
        headers: { 'idempotency-key': key },
      });
      expectProblem(reply, 400, 'validation-failed');
    }
    expect(await sentTo(partnerId)).toHaveLength(0);
  });

  it('10 concurrent posts with one key make one lead', async () => {
    const partnerId = uniquePartner();
    const key = uniqueKey();
    const body = leadBody(partnerId);
    const token = await sender();
    const replies: Reply<SentLead>[] = await Promise.all(
      Array.from({ length: 10 }, () =>
        post<SentLead>('/v1/leads', body, { token, headers: { 'idempotency-key': key } }),
      ),
    );
    const created = replies.filter((r) => r.status === 201);
    const inProgress = replies.filter((r) => r.status === 409);
    expect(created.length + inProgress.length).toBe(10);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of inProgress) expectProblem(r, 409, 'idempotency-key-in-progress');
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    // Exactly one of the 201s is the original; the others are replays.
    expect(created.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const leads = await sentTo(partnerId);
    expect(leads.map((l) => l.id)).toEqual([created[0]!.body.id]);
    // The partner sees one lead too.
    const list = await get<{ items: unknown[] }>('/v1/leads', { token: await partner(partnerId) });
    expect(list.body.items).toHaveLength(1);
    // A retry after the dust settles is a clean replay.
    const retry = await post<SentLead>('/v1/leads', body, { token, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(created[0]!.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });
});
