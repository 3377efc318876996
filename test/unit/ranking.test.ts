/**
 * Search ranking: fit dominates, then responsiveness (faster and fewer expiries never rank lower),
 * then how similar leads were answered; a partner without history sits between good and bad.
 */
import fc from 'fast-check';
import { figure, type Tally } from '../../functions/domain/insights.js';
import {
  bandOf,
  type Candidate,
  neutralSnapshot,
  observedQuality,
  type RankingSnapshot,
  rankingSnapshot,
  rankPartners,
  type SearchQuery,
  sameSnapshot,
  smoothedScore,
  windowMonths,
} from '../../functions/domain/ranking.js';
import { bucketOf } from '../../functions/domain/sketch.js';

/** A 90-day window of a partner: leads accepted within `answerSeconds`, and `expired` leads let expire. */
function history(h: {
  accepted: number;
  declined?: number;
  expired: number;
  answerSeconds: number;
  country?: string;
}): Tally {
  const answered = h.accepted + (h.declined ?? 0);
  const counts: Record<string, number> = {
    [figure.count('customer-inquiry', 'received')]: answered + h.expired,
    [figure.count('customer-inquiry', 'accepted')]: h.accepted,
    [figure.count('customer-inquiry', 'declined')]: h.declined ?? 0,
    [figure.count('customer-inquiry', 'expired')]: h.expired,
    [figure.within24h]: h.answerSeconds <= 86_400 ? answered : 0,
    [figure.responseBucket(bucketOf(h.answerSeconds))]: answered,
  };
  if (h.country) {
    counts[figure.similar('country', h.country, 'accepted')] = h.accepted;
    counts[figure.similar('country', h.country, 'declined')] = h.declined ?? 0;
  }
  return { counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)), money: {} };
}

const candidate = (
  partnerId: string,
  ranking: RankingSnapshot,
  overrides: Partial<Candidate> = {},
): Candidate => ({
  partnerId,
  companyName: partnerId,
  keywords: ['azure migration', 'erp'],
  countries: ['IT'],
  companySizes: [],
  ranking,
  ...overrides,
});
const query: SearchQuery = { terms: ['azure'], country: 'IT', limit: 10 };
const order = (candidates: Candidate[], q: SearchQuery = query) =>
  rankPartners(candidates, q).map((r) => r.partnerId);

const historyArb = fc.record({
  accepted: fc.integer({ min: 0, max: 60 }),
  expired: fc.integer({ min: 0, max: 60 }),
  answerSeconds: fc.integer({ min: 1, max: 14 * 86_400 }),
});

describe('responsiveness snapshot', () => {
  it('gives the partner its own figures, as §7.2 defines them', () => {
    const snapshot = rankingSnapshot(history({ accepted: 8, declined: 0, expired: 2, answerSeconds: 5400 }));
    expect(snapshot.responsiveness).toEqual({
      medianResponseSeconds: 5400,
      answeredWithin24h: 0.8,
      acceptanceRate: 0.8,
      expiryRate: 0.2,
      leadsLast90Days: 10,
    });
    expect(snapshot.decided).toBe(10);
  });

  it('gives a partner without history the neutral prior, in the middle band', () => {
    const neutral = neutralSnapshot();
    expect(neutral.score).toBe(0.5);
    expect(neutral.band).toBe(10);
    expect(neutral.responsiveness).toEqual({
      medianResponseSeconds: null,
      answeredWithin24h: null,
      acceptanceRate: null,
      expiryRate: null,
      leadsLast90Days: 0,
    });
  });

  it('never scores a faster, less-expiring partner lower than an otherwise equal one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 14 * 86_400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 14 * 86_400 }),
        (n, expiry, within, median, fewerExpiries, moreWithin, faster) => {
          const slow = {
            expiryRate: expiry,
            answeredWithin24h: within * (1 - expiry),
            medianSeconds: median,
          };
          const fast = {
            expiryRate: expiry * fewerExpiries,
            answeredWithin24h: Math.min(
              1,
              slow.answeredWithin24h + moreWithin * (1 - slow.answeredWithin24h),
            ),
            medianSeconds: Math.max(0, median - faster),
          };
          const a = smoothedScore(n, observedQuality(fast));
          const b = smoothedScore(n, observedQuality(slow));
          expect(a).toBeGreaterThanOrEqual(b);
          expect(bandOf(a)).toBeGreaterThanOrEqual(bandOf(b));
        },
      ),
    );
  });

  it('sits a partner without history between one that answers well and one that lets leads expire', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 3600 }),
        (good, bad, seconds) => {
          const fast = candidate(
            'fast',
            rankingSnapshot(history({ accepted: good, expired: 0, answerSeconds: seconds })),
          );
          const none = candidate('none', neutralSnapshot());
          const late = candidate(
            'late',
            rankingSnapshot(history({ accepted: 0, expired: bad, answerSeconds: seconds })),
          );
          expect(order([late, none, fast])).toEqual(['fast', 'none', 'late']);
          expect(order([none, late, fast])).toEqual(['fast', 'none', 'late']);
        },
      ),
    );
  });

  it('changes (and so rewrites the index) only when something shown or ranked by changes', () => {
    const a = rankingSnapshot(history({ accepted: 300, expired: 10, answerSeconds: 5400 }));
    expect(
      sameSnapshot(a, rankingSnapshot(history({ accepted: 300, expired: 10, answerSeconds: 5410 }))),
    ).toBe(true);
    expect(
      sameSnapshot(a, rankingSnapshot(history({ accepted: 300, expired: 40, answerSeconds: 5400 }))),
    ).toBe(false);
    expect(sameSnapshot(undefined, a)).toBe(false);
  });

  it('covers the 90 days with whole cohort months', () => {
    expect(windowMonths(new Date('2026-11-25T10:00:00Z'))).toEqual([
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(windowMonths(new Date('2026-03-31T10:00:00Z'))).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });
});

describe('rankPartners', () => {
  const neutral = neutralSnapshot();

  it('ranks a quick partner above an otherwise equal one that lets leads expire, and says why', () => {
    const quick = candidate(
      'quick',
      rankingSnapshot(history({ accepted: 10, expired: 0, answerSeconds: 1800 })),
    );
    const lax = candidate('lax', rankingSnapshot(history({ accepted: 2, expired: 8, answerSeconds: 1800 })));
    const ranked = rankPartners([lax, quick], query);
    expect(ranked.map((r) => r.partnerId)).toEqual(['quick', 'lax']);
    expect(ranked[0]!.why).toEqual(
      expect.arrayContaining([
        'matches “azure migration”',
        'serves IT',
        'answers 100 % of leads within 24 h',
        'let no lead expire',
      ]),
    );
    expect(ranked[1]!.why).toContain('let 80 % of leads expire');
    expect(ranked[0]!.fit).toEqual({ keywords: ['azure migration'], country: true, companySize: null });
  });

  it('lets fit dominate: more matching terms first, whatever the responsiveness', () => {
    fc.assert(
      fc.property(historyArb, historyArb, (h1, h2) => {
        const both = candidate('both', rankingSnapshot(history(h1)), { keywords: ['azure', 'migration'] });
        const one = candidate('one', rankingSnapshot(history(h2)), { keywords: ['azure'] });
        expect(order([one, both], { ...query, terms: ['azure', 'migration'] })).toEqual(['both', 'one']);
      }),
    );
  });

  it('ranks a partner that names the size above one that serves every size', () => {
    const named = candidate('named', neutral, { companySizes: ['50-249'] });
    const every = candidate(
      'every',
      rankingSnapshot(history({ accepted: 30, expired: 0, answerSeconds: 60 })),
    );
    const other = candidate('other', neutral, { companySizes: ['1-9'] });
    expect(order([every, other, named], { ...query, companySize: '50-249' })).toEqual(['named', 'every']);
  });

  it('ranks a partner that accepted leads like this one above one that declined them, at equal responsiveness', () => {
    const base = { expired: 0, answerSeconds: 600 };
    const accepts = candidate(
      'accepts',
      rankingSnapshot(history({ ...base, accepted: 6, declined: 4, country: 'IT' })),
    );
    const declines = candidate(
      'declines',
      rankingSnapshot(history({ ...base, accepted: 4, declined: 6, country: 'IT' })),
    );
    expect(accepts.ranking.band).toBe(declines.ranking.band);
    const ranked = rankPartners([declines, accepts], query);
    expect(ranked.map((r) => r.partnerId)).toEqual(['accepts', 'declines']);
    expect(ranked[0]!.why).toContain('accepted more leads from IT than it declined');
    expect(ranked[1]!.why).toContain('declined more leads from IT than it accepted');
  });

  it('keeps only partners that fit: a shared term, the country, the size', () => {
    const candidates = [
      candidate('fits', neutral),
      candidate('no-term', neutral, { keywords: ['security'] }),
      candidate('no-country', neutral, { countries: ['DE'] }),
      candidate('no-size', neutral, { companySizes: ['1-9'] }),
    ];
    expect(order(candidates, { ...query, companySize: '50-249' })).toEqual(['fits']);
    expect(order(candidates, { terms: [], country: 'IT', limit: 10 })).toEqual([
      'fits',
      'no-size',
      'no-term',
    ]);
  });

  it('returns each partner once, at most limit', () => {
    const c = candidate('p1', neutral);
    expect(order([c, c, candidate('p2', neutral), candidate('p3', neutral)], { ...query, limit: 2 })).toEqual(
      ['p1', 'p2'],
    );
  });
});
