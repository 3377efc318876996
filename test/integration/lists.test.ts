/**
 * Lists (SPEC §4): newest first, cursor pages without skips or repeats, tab and stage filters,
 * per-user favorites, sealed cursors bound to their caller and query, and limit bounds.
 */
import {
  acceptBody,
  allPages,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  type Page,
  type PartnerLead,
  partner,
  post,
  sender,
  uniquePartner,
} from './helpers.js';

const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
const newestFirst = (list: string[]) => [...list].sort().reverse();

/** Creates leads one after another (so their ids are strictly increasing) and returns them oldest first. */
async function createMany(partnerId: string, types: string[], senderId?: string): Promise<string[]> {
  const created: string[] = [];
  for (const type of types) {
    created.push(await createLead(partnerId, { type }, senderId ? { senderId } : {}));
  }
  return created;
}

describe('partner lists', () => {
  it('7 leads, limit 3: pages of 3, 3, 1, newest first, no repeats, nextCursor null at the end', async () => {
    const partnerId = uniquePartner();
    const created = await createMany(partnerId, Array(7).fill('customer-inquiry'));
    const token = await partner(partnerId);
    const { pages, items } = await allPages('/v1/leads', token, { limit: 3 });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(ids(items)).toEqual([...created].reverse());
    expect(new Set(ids(items)).size).toBe(7);

    const first = await get<Page>('/v1/leads?limit=3', { token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const last = await get<Page>('/v1/leads?limit=7', { token });
    expect(last.body.items).toHaveLength(7);
    const all = await get<Page>('/v1/leads', { token });
    expect(all.body.items).toHaveLength(7);
    expect(all.body.nextCursor).toBeNull();
  });

  it('the default page is 25 leads', async () => {
    const partnerId = uniquePartner();
    const created = await Promise.all(Array.from({ length: 26 }, () => createLead(partnerId)));
    const token = await partner(partnerId);
    const first = await get<Page>('/v1/leads', { token });
    expect(first.body.items).toHaveLength(25);
    expect(ids(first.body.items)).toEqual(newestFirst(created).slice(0, 25));
    const second = await get<Page>(`/v1/leads?cursor=${encodeURIComponent(first.body.nextCursor!)}`, {
      token,
    });
    expect(ids(second.body.items)).toEqual([newestFirst(created)[25]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('leads that change stage or arrive between pages cause no skips or repeats', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const created = await createMany(partnerId, Array(6).fill('customer-inquiry'));
    const newest = newestFirst(created);
    const first = await get<Page>('/v1/leads?limit=2', { token });
    expect(ids(first.body.items)).toEqual(newest.slice(0, 2));
    // Between pages: the next lead in line is accepted, one further down declined, a new one arrives.
    expect((await post(`/v1/leads/${newest[2]}/accept`, acceptBody(), { token })).status).toBe(200);
    expect((await post(`/v1/leads/${newest[4]}/decline`, { reason: 'duplicate' }, { token })).status).toBe(
      200,
    );
    const arrived = await createLead(partnerId);
    const rest: string[] = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page: { body: Page } = await get<Page>(`/v1/leads?limit=2&cursor=${encodeURIComponent(cursor)}`, {
        token,
      });
      rest.push(...ids(page.body.items));
      cursor = page.body.nextCursor;
    }
    expect(rest).toEqual(newest.slice(2));
    expect(rest).not.toContain(arrived);
  });

  it('filters by tab and stage, and the filters combine with paging', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const types = [
      'customer-inquiry',
      'marketing-qualified',
      'sales-qualified',
      'customer-inquiry',
      'marketing-qualified',
      'customer-inquiry',
    ];
    const created = await createMany(partnerId, types);
    const [m1, q1, q2, m2, q3, m3] = created as [string, string, string, string, string, string];
    expect((await post(`/v1/leads/${m2}/accept`, acceptBody(), { token })).status).toBe(200);
    expect((await post(`/v1/leads/${q1}/accept`, acceptBody(), { token })).status).toBe(200);
    expect((await post(`/v1/leads/${q3}/decline`, { reason: 'duplicate' }, { token })).status).toBe(200);
    expect((await post(`/v1/leads/${q1}/won`, {}, { token })).status).toBe(200);

    const list = async (query: string, limit = 2) =>
      ids((await allPages(`/v1/leads?${query}`, token, { limit })).items);
    expect(await list('tab=marketplace')).toEqual([m3, m2, m1]);
    expect(await list('tab=qualified')).toEqual([q3, q2, q1]);
    expect(await list('stage=received')).toEqual([m3, q2, m1]);
    expect(await list('stage=accepted')).toEqual([m2]);
    expect(await list('stage=archived')).toEqual([q3, q1]);
    expect(await list('tab=marketplace&stage=received', 1)).toEqual([m3, m1]);
    expect(await list('tab=qualified&stage=archived', 1)).toEqual([q3, q1]);
    expect(await list('tab=marketplace&stage=archived')).toEqual([]);

    const page = await get<Page>('/v1/leads?tab=qualified', { token });
    for (const item of page.body.items) expect(item.tab).toBe('qualified');
    const archived = await get<Page>('/v1/leads?stage=archived', { token });
    expect(archived.body.items.map((i) => [i.id, i.outcome])).toEqual([
      [q3, 'declined'],
      [q1, 'won'],
    ]);
  });

  it('favorites are per user: PUT/DELETE answer 204, only that user sees favorite: true', async () => {
    const partnerId = uniquePartner();
    const [a, b, c] = (await createMany(partnerId, [
      'customer-inquiry',
      'sales-qualified',
      'customer-inquiry',
    ])) as [string, string, string];
    const alice = await partner(partnerId, 'referrals-admin', 'alice');
    const bob = await partner(partnerId, 'mpn-partner-admin', 'bob');

    const put = await call('PUT', `/v1/leads/${a}/favorite`, { token: alice });
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    expect((await call('PUT', `/v1/leads/${a}/favorite`, { token: alice })).status).toBe(204);
    expect((await call('PUT', `/v1/leads/${b}/favorite`, { token: alice })).status).toBe(204);
    expect((await call('PUT', `/v1/leads/${c}/favorite`, { token: bob })).status).toBe(204);

    expect((await get<PartnerLead>(`/v1/leads/${a}`, { token: alice })).body.favorite).toBe(true);
    expect((await get<PartnerLead>(`/v1/leads/${a}`, { token: bob })).body.favorite).toBe(false);
    expect((await get<PartnerLead>(`/v1/leads/${c}`, { token: bob })).body.favorite).toBe(true);

    const aliceFavs = await allPages('/v1/leads?tab=favorites', alice, { limit: 1 });
    expect(ids(aliceFavs.items)).toEqual([b, a]);
    for (const item of aliceFavs.items) expect(item.favorite).toBe(true);
    const bobFavs = await get<Page>('/v1/leads?tab=favorites', { token: bob });
    expect(ids(bobFavs.body.items)).toEqual([c]);
    const aliceAll = await get<Page>('/v1/leads', { token: alice });
    expect(aliceAll.body.items.map((i) => [i.id, i.favorite])).toEqual([
      [c, false],
      [b, true],
      [a, true],
    ]);

    // Favoriting does not change the lead's version.
    expect((await get<PartnerLead>(`/v1/leads/${a}`, { token: alice })).body.version).toBe(1);
    // Favorites filter by stage too.
    expect((await post(`/v1/leads/${b}/accept`, acceptBody(), { token: alice })).status).toBe(200);
    expect(
      ids((await get<Page>('/v1/leads?tab=favorites&stage=accepted', { token: alice })).body.items),
    ).toEqual([b]);
    expect(
      ids((await get<Page>('/v1/leads?tab=favorites&stage=received', { token: alice })).body.items),
    ).toEqual([a]);

    const del = await call('DELETE', `/v1/leads/${a}/favorite`, { token: alice });
    expect(del.status).toBe(204);
    expect((await call('DELETE', `/v1/leads/${a}/favorite`, { token: alice })).status).toBe(204);
    expect((await get<PartnerLead>(`/v1/leads/${a}`, { token: alice })).body.favorite).toBe(false);
    expect(ids((await get<Page>('/v1/leads?tab=favorites', { token: alice })).body.items)).toEqual([b]);

    // An archived lead can still be (un)favorited: it is the user's list, not the lead's state.
    expect((await post(`/v1/leads/${b}/won`, {}, { token: alice })).status).toBe(200);
    expect(
      ids((await get<Page>('/v1/leads?tab=favorites&stage=archived', { token: alice })).body.items),
    ).toEqual([b]);
  });

  it('an unknown lead cannot be favorited (404)', async () => {
    const token = await partner(uniquePartner());
    expectProblem(await call('PUT', '/v1/leads/01ZZZZZZZZZZZZZZZZZZZZZZZZ/favorite', { token }), 404);
    expectProblem(await call('DELETE', '/v1/leads/01ZZZZZZZZZZZZZZZZZZZZZZZZ/favorite', { token }), 404);
  });
});

describe('cursors and limits', () => {
  async function cursorFor(token: string, query = '') {
    const reply = await get<Page>(`/v1/leads?limit=1${query}`, { token });
    expect(reply.status).toBe(200);
    expect(reply.body.nextCursor).toEqual(expect.any(String));
    return reply.body.nextCursor!;
  }

  it('a tampered cursor answers 400 invalid-cursor', async () => {
    const partnerId = uniquePartner();
    await createMany(partnerId, ['customer-inquiry', 'customer-inquiry', 'customer-inquiry']);
    const token = await partner(partnerId);
    const cursor = await cursorFor(token);
    const flip = (s: string, at: number) => {
      const c = s[at] === 'A' ? 'B' : 'A';
      return `${s.slice(0, at)}${c}${s.slice(at + 1)}`;
    };
    const tampered = [
      flip(cursor, 0),
      flip(cursor, Math.floor(cursor.length / 2)),
      flip(cursor, cursor.length - 1),
      cursor.slice(0, -2),
      `${cursor}AA`,
      'not-a-cursor',
      '01ZZZZZZZZZZZZZZZZZZZZZZZZ',
      Buffer.from('01ZZZZZZZZZZZZZZZZZZZZZZZZ').toString('base64url'),
      'A'.repeat(1024),
      '%00',
    ];
    for (const bad of tampered) {
      const reply = await get(`/v1/leads?cursor=${encodeURIComponent(bad)}`, { token });
      expect([bad.slice(0, 20), reply.status]).toEqual([bad.slice(0, 20), 400]);
      expectProblem(reply, 400);
      expect(['invalid-cursor', 'validation-failed']).toContain(reply.body.code);
    }
    const tooLong = await get(`/v1/leads?cursor=${'A'.repeat(2000)}`, { token });
    expectProblem(tooLong, 400);
    // The genuine one still works.
    expect((await get(`/v1/leads?limit=1&cursor=${encodeURIComponent(cursor)}`, { token })).status).toBe(200);
  });

  it('a cursor issued to another partner, user or filter answers 400', async () => {
    const partnerA = uniquePartner();
    const partnerB = uniquePartner();
    await createMany(partnerA, ['customer-inquiry', 'customer-inquiry', 'marketing-qualified']);
    await createMany(partnerB, ['customer-inquiry', 'customer-inquiry']);
    const alice = await partner(partnerA, 'referrals-admin', 'alice');
    const bob = await partner(partnerA, 'referrals-admin', 'bob');
    const other = await partner(partnerB, 'referrals-admin', 'alice');
    const cursor = await cursorFor(alice);
    const check = async (token: string, query: string) => {
      const reply = await get(`/v1/leads?limit=1&cursor=${encodeURIComponent(cursor)}${query}`, { token });
      expect([query, reply.status]).toEqual([query, 400]);
      expectProblem(reply, 400, 'invalid-cursor');
    };
    await check(other, '');
    await check(bob, '');
    await check(alice, '&tab=marketplace');
    await check(alice, '&stage=received');
    await check(alice, '&tab=favorites');
    const marketplace = await cursorFor(alice, '&tab=marketplace');
    const reply = await get(`/v1/leads?limit=1&tab=qualified&cursor=${encodeURIComponent(marketplace)}`, {
      token: alice,
    });
    expectProblem(reply, 400, 'invalid-cursor');
    // A partner-list cursor is not a sent-leads cursor, and the other way round.
    const sent = await get(`/v1/sent-leads?cursor=${encodeURIComponent(cursor)}`, { token: await sender() });
    expectProblem(sent, 400, 'invalid-cursor');
    const sentPage = await get<Page>('/v1/sent-leads?limit=1', { token: await sender() });
    expect(sentPage.body.nextCursor).toEqual(expect.any(String));
    const cross = await get(`/v1/leads?cursor=${encodeURIComponent(sentPage.body.nextCursor!)}`, {
      token: alice,
    });
    expectProblem(cross, 400, 'invalid-cursor');
    const otherSender = await get(`/v1/sent-leads?cursor=${encodeURIComponent(sentPage.body.nextCursor!)}`, {
      token: await sender('fabrikam-referrals'),
    });
    expectProblem(otherSender, 400, 'invalid-cursor');
  });

  it.each(['0', '101', 'abc', '-1', '1.5', '', '1e1000', '1e1', '%2B5', '%205', '5.0', '0x10'])(
    'limit=%s answers 400 with errors naming the limit',
    async (limit) => {
      const token = await partner(uniquePartner());
      const reply = await get(`/v1/leads?limit=${limit}`, { token });
      expectProblem(reply, 400, 'validation-failed');
      const errors = reply.body.errors as Array<{ path: string }>;
      expect(errors.map((e) => e.path)).toContain('query.limit');
      expectProblem(
        await get(`/v1/sent-leads?limit=${limit}`, { token: await sender() }),
        400,
        'validation-failed',
      );
    },
  );

  it('limit 1 and 100 are fine; a bad tab or stage answers 400', async () => {
    const token = await partner(uniquePartner());
    expect((await get('/v1/leads?limit=1', { token })).status).toBe(200);
    expect((await get('/v1/leads?limit=100', { token })).status).toBe(200);
    expectProblem(await get('/v1/leads?tab=inbox', { token }), 400, 'validation-failed');
    expectProblem(await get('/v1/leads?stage=expired', { token }), 400, 'validation-failed');
  });
});

describe('sent-leads', () => {
  it('pages newest first across the whole list, without repeats or skips', async () => {
    const partnerId = uniquePartner();
    const senderId = 'fabrikam-referrals';
    const token = await sender(senderId);
    const created = await createMany(partnerId, Array(7).fill('marketing-qualified'), senderId);
    const { pages, items } = await allPages<PartnerLead>('/v1/sent-leads', token, {
      limit: 3,
      maxPages: 500,
    });
    const all = ids(items);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(newestFirst(all));
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(3);
    // A full page ends with a cursor when DynamoDB stopped at the limit, so the last page may be
    // empty (other tests send as this sender too, so the total is not known here).
    expect(pages.at(-1)!.length).toBeLessThanOrEqual(3);
    expect(all.filter((id) => created.includes(id))).toEqual([...created].reverse());
    for (const item of items) {
      expect(Object.keys(item)).toContain('customer');
      expect(Object.keys(item)).not.toContain('contacts');
      expect(Object.keys(item)).not.toContain('possibleDuplicates');
    }

    const mine = items.filter((i) => i.partnerId === partnerId);
    expect(mine).toHaveLength(7);
  });

  it('a sender list is only its own leads', async () => {
    const partnerId = uniquePartner();
    const fabrikam = await createLead(partnerId, {}, { senderId: 'fabrikam-referrals' });
    const microsoft = await createLead(partnerId, {}, { senderId: 'microsoft-marketing' });
    const { items } = await allPages<PartnerLead>('/v1/sent-leads', await sender('microsoft-marketing'), {
      maxPages: 50,
    });
    expect(ids(items)).toContain(microsoft);
    expect(ids(items)).not.toContain(fabrikam);
    // Both land with the partner, who sees who sent each.
    const list = await get<Page>('/v1/leads', { token: await partner(partnerId) });
    expect(
      list.body.items.map((i) => [i.id, (i.sender as JsonObject).id, (i.sender as JsonObject).kind]),
    ).toEqual([
      [microsoft, 'microsoft-marketing', 'microsoft'],
      [fabrikam, 'fabrikam-referrals', 'partner'],
    ]);
  });
});
