/**
 * Partner search over HTTP (SPEC §7.3), as a sender would try it: partners with the same profile,
 * one that answers its leads at once and one that lets them expire, and one without history. The
 * quick one ranks first and `why` says so; the one without history sits between them. Runs on the
 * `short` runtime (4 s response window) so leads expire within seconds.
 */
import {
  acceptBody,
  call,
  createLead,
  expectProblem,
  get,
  partner,
  post,
  sender,
  sleep,
  tag,
  uniquePartner,
  urls,
} from './helpers.js';

const base = urls.short;

interface Match {
  partnerId: string;
  companyName: string;
  description: string | null;
  score: number;
  fit: { keywords: string[]; country: boolean | null; companySize: boolean | null };
  responsiveness: {
    medianResponseSeconds: number | null;
    answeredWithin24h: number | null;
    acceptanceRate: number | null;
    expiryRate: number | null;
    leadsLast90Days: number;
  };
  why: string[];
}

const profile = (name: string, keyword: string, extra: Record<string, unknown> = {}) => ({
  companyName: name,
  description: `${name} moves ERP systems to the cloud`,
  keywords: [`${keyword} Migration`, 'ERP'],
  companySizes: ['50-249', '250-999'],
  locations: [
    {
      name: 'Milan',
      country: 'IT',
      contacts: [{ name: 'Giulia', email: `giulia@${name.toLowerCase()}.example` }],
    },
  ],
  ...extra,
});

async function putProfile(partnerId: string, body: Record<string, unknown>) {
  const reply = await call('PUT', '/v1/profile', { token: await partner(partnerId), base, body });
  expect(reply.status).toBe(200);
}

/** Searches until `done` holds (or 30 s pass), and returns the last answer. */
async function searchUntil(query: string, done: (items: Match[]) => boolean): Promise<Match[]> {
  const token = await sender();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reply = await get<{ items: Match[] }>(`/v1/partners?${query}`, { token, base });
    expect(reply.status).toBe(200);
    if (done(reply.body.items) || Date.now() > deadline) return reply.body.items;
    await sleep(400);
  }
}

describe('GET /v1/partners', () => {
  it('ranks a partner that answers quickly above an otherwise equal one that lets leads expire, and says why', async () => {
    // A word no other test uses, so the index partitions hold only these partners.
    const keyword = `Zq${tag()}`;
    const quick = uniquePartner();
    const lax = uniquePartner();
    const fresh = uniquePartner();
    const hidden = uniquePartner();
    const nameless = uniquePartner();
    await Promise.all([
      putProfile(quick, profile('Quick', keyword)),
      putProfile(lax, profile('Lax', keyword)),
      putProfile(fresh, profile('Fresh', keyword)),
      putProfile(hidden, profile('Hidden', keyword, { listed: false })),
      putProfile(nameless, { ...profile('Nameless', keyword), companyName: undefined }),
    ]);
    const quickToken = await partner(quick);
    for (let i = 0; i < 3; i++) {
      const id = await createLead(quick, {}, { base });
      expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token: quickToken, base })).status).toBe(
        200,
      );
      await createLead(lax, {}, { base });
    }

    const query = `keyword=${encodeURIComponent(`${keyword.toUpperCase()}  migration`)}&country=IT&companySize=50-249`;
    const items = await searchUntil(
      query,
      (found) =>
        found.map((m) => m.partnerId).join() === [quick, fresh, lax].join() &&
        found[2]?.responsiveness.expiryRate === 1,
    );
    expect(items.map((m) => m.partnerId)).toEqual([quick, fresh, lax]);
    const [first, middle, last] = items as [Match, Match, Match];
    expect(first).toMatchObject({
      companyName: 'Quick',
      description: 'Quick moves ERP systems to the cloud',
      fit: { keywords: [`${keyword.toLowerCase()} migration`], country: true, companySize: true },
      responsiveness: { answeredWithin24h: 1, acceptanceRate: 1, expiryRate: 0, leadsLast90Days: 3 },
    });
    expect(first.why).toEqual(
      expect.arrayContaining([
        `matches “${keyword.toLowerCase()} migration”`,
        'serves IT',
        'answers 100 % of leads within 24 h',
        'let no lead expire',
      ]),
    );
    expect(middle.score).toBe(0.5);
    expect(middle.why).toContain(
      'no answered or expired leads in the last 90 days: ranked as an average partner',
    );
    expect(last.responsiveness).toMatchObject({
      answeredWithin24h: 0,
      expiryRate: 1,
      medianResponseSeconds: null,
      leadsLast90Days: 3,
    });
    expect(last.why).toContain('let 100 % of leads expire');
    expect(first.score).toBeGreaterThan(middle.score);
    expect(middle.score).toBeGreaterThan(last.score);

    // Unlisting takes a partner out of search; listing it again puts it back.
    await putProfile(quick, profile('Quick', keyword, { listed: false }));
    const without = await searchUntil(query, (found) => !found.some((m) => m.partnerId === quick));
    expect(without.map((m) => m.partnerId)).toEqual([fresh, lax]);
  });

  it('matches keywords whatever their case, accents and spacing, and by country alone', async () => {
    const word = `Mìgrà${tag()}`;
    const id = uniquePartner();
    await putProfile(
      id,
      profile('Accents', word, {
        locations: [{ name: 'Lyon', country: 'FR', contacts: [{ name: 'A', email: 'a@accents.example' }] }],
      }),
    );
    const plain = word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const found = await searchUntil(
      `keyword=${encodeURIComponent(`  ${plain.toUpperCase()} `)}`,
      (items) => items.length > 0,
    );
    expect(found.map((m) => m.partnerId)).toEqual([id]);
    expect(found[0]!.fit.country).toBeNull();
    const byCountry = await searchUntil('country=FR&limit=50', (items) =>
      items.some((m) => m.partnerId === id),
    );
    expect(byCountry.some((m) => m.partnerId === id)).toBe(true);
    const elsewhere = await get<{ items: Match[] }>(
      `/v1/partners?keyword=${encodeURIComponent(plain)}&country=DE`,
      {
        token: await sender(),
        base,
      },
    );
    expect(elsewhere.body.items).toEqual([]);
  });

  it('refuses a search without keyword or country, and a partner token', async () => {
    const token = await sender();
    expectProblem(await get('/v1/partners', { token, base }), 400, 'validation-failed');
    expectProblem(await get('/v1/partners?keyword=the', { token, base }), 400, 'validation-failed');
    expectProblem(await get('/v1/partners?country=IT&limit=0', { token, base }), 400, 'validation-failed');
    expectProblem(await get('/v1/partners?country=IT', { token: await partner(uniquePartner()), base }), 403);
  });
});
