/**
 * Search ranking: fit dominates, then responsiveness (faster and fewer expiries never rank lower),
 * then how similar leads were answered; a partner without history sits between good and bad.
 */
import fc from 'fast-check';
import { figure, type Tally } from '../../functions/domain/insights.js';
import {
  bandOf,
  type Candidate,
  fitOf,
  neutralSnapshot,
  observedQuality,
  type RankingSnapshot,
  rankingSnapshot,
  rankPartners,
  type SearchQuery,
  sameSnapshot,
  significant,
  similarityOf,
  smoothedScore,
  whyOf,
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

describe('ranking details', () => {
  const neutral = neutralSnapshot();

  it('rounds shown figures to two significant digits, and counts under 100 leads exactly', () => {
    expect(significant(0)).toBe(0);
    expect(significant(5432)).toBe(5400);
    expect(significant(5450)).toBe(5500);
    expect(significant(-5432)).toBe(-5400);
    expect(significant(0.012345)).toBeCloseTo(0.012, 10);
    expect(significant(98765, 3)).toBe(98800);
    const many = rankingSnapshot(history({ accepted: 120, expired: 3, answerSeconds: 4321 }));
    expect(many.responsiveness.leadsLast90Days).toBe(120);
    expect(many.responsiveness.medianResponseSeconds).toBe(
      significant(many.responsiveness.medianResponseSeconds!),
    );
    expect(
      rankingSnapshot(history({ accepted: 123, expired: 3, answerSeconds: 60 })).responsiveness
        .leadsLast90Days,
    ).toBe(130);
    expect(
      rankingSnapshot(history({ accepted: 96, expired: 3, answerSeconds: 60 })).responsiveness
        .leadsLast90Days,
    ).toBe(99);
  });

  it('rates to two decimals, scores to three, and bands the score into 20', () => {
    const s = rankingSnapshot(history({ accepted: 2, declined: 1, expired: 0, answerSeconds: 60 }));
    expect(s.responsiveness.acceptanceRate).toBe(0.67);
    expect(s.responsiveness.expiryRate).toBe(0);
    expect(s.responsiveness.answeredWithin24h).toBe(1);
    expect(s.score).toBe(
      Math.round(
        smoothedScore(
          3,
          observedQuality({
            expiryRate: 0,
            answeredWithin24h: 1,
            medianSeconds: s.responsiveness.medianResponseSeconds,
          }),
        ) * 1000,
      ) / 1000,
    );
    expect(Number.isInteger(s.score * 1000)).toBe(true);
    expect(bandOf(0)).toBe(0);
    expect(bandOf(0.049)).toBe(0);
    expect(bandOf(0.05)).toBe(1);
    expect(bandOf(0.999)).toBe(19);
    expect(bandOf(1)).toBe(20);
    expect(bandOf(1.5)).toBe(20);
    expect(bandOf(-0.1)).toBe(0);
  });

  it('weighs expiries (squared), answers within 24 h and speed, and the prior as four neutral leads', () => {
    expect(observedQuality({ expiryRate: 0, answeredWithin24h: 1, medianSeconds: 0 })).toBeCloseTo(1, 10);
    expect(observedQuality({ expiryRate: 1, answeredWithin24h: 0, medianSeconds: 100 })).toBe(0);
    expect(observedQuality({ expiryRate: 0, answeredWithin24h: 0, medianSeconds: null })).toBeCloseTo(
      0.6,
      10,
    );
    expect(observedQuality({ expiryRate: 0, answeredWithin24h: 0, medianSeconds: 86_400 })).toBeCloseTo(
      0.66,
      10,
    );
    expect(observedQuality({ expiryRate: 0.5, answeredWithin24h: 0.5, medianSeconds: 0 })).toBeCloseTo(
      0.5 * (0.3 + 0.14 + 0.06),
      10,
    );
    expect(smoothedScore(0, 1)).toBe(0.5);
    expect(smoothedScore(4, 1)).toBe(0.75);
    expect(smoothedScore(12, 0)).toBe(0.125);
  });

  it('tells the tendency per dimension and value, and none where it is even', () => {
    const counts = {
      [figure.similar('country', 'IT', 'accepted')]: 3,
      [figure.similar('country', 'IT', 'declined')]: 1,
      [figure.similar('size', '10-49', 'accepted')]: 1,
      [figure.similar('size', '10-49', 'declined')]: 2,
      [figure.similar('type', 'customer-inquiry', 'accepted')]: 2,
      [figure.similar('type', 'customer-inquiry', 'declined')]: 2,
      'xsim:country:DE:accepted': 5,
      'sim:country:DE:accepted:x': 5,
    };
    expect(rankingSnapshot({ counts, money: {} }).similar).toEqual({ 'country:IT': 1, 'size:10-49': -1 });
    const snapshot = rankingSnapshot({ counts, money: {} });
    expect(
      similarityOf(snapshot, {
        terms: [],
        country: 'IT',
        companySize: '10-49',
        type: 'customer-inquiry',
        limit: 1,
      }),
    ).toBe(0);
    expect(similarityOf(snapshot, { terms: [], country: 'IT', limit: 1 })).toBe(1);
    expect(similarityOf(snapshot, { terms: [], companySize: '10-49', limit: 1 })).toBe(-1);
    expect(similarityOf(snapshot, { terms: [], country: 'DE', limit: 1 })).toBe(0);
  });

  it('says why in order: keywords (at most three), country, size, answers, median time, expiries, tendencies', () => {
    const snapshot: RankingSnapshot = {
      ...rankingSnapshot(history({ accepted: 9, expired: 1, answerSeconds: 60 })),
      similar: { 'country:IT': 1, 'size:10-49': -1, 'type:customer-inquiry': 1 },
    };
    const c = candidate('p', snapshot, {
      keywords: ['azure a', 'azure b', 'azure c', 'azure d'],
      companySizes: ['10-49'],
    });
    const q: SearchQuery = {
      terms: ['azure'],
      country: 'IT',
      companySize: '10-49',
      type: 'customer-inquiry',
      limit: 5,
    };
    const fit = fitOf(c, q)!;
    expect(fit).toEqual({
      keywords: ['azure a', 'azure b', 'azure c', 'azure d'],
      terms: 1,
      country: true,
      companySize: true,
      sizeSpecificity: 2,
    });
    expect(whyOf(c, fit, q)).toEqual([
      'matches “azure a”',
      'matches “azure b”',
      'matches “azure c”',
      'serves IT',
      'serves companies of 10-49 employees',
      'answers 90 % of leads within 24 h',
      `median answer time ${snapshot.responsiveness.medianResponseSeconds} s`,
      'let 10 % of leads expire',
      'accepted more leads from IT than it declined',
      'declined more leads from companies of 10-49 employees than it accepted',
      'accepted more leads of type customer-inquiry than it declined',
    ]);
    const every = candidate('e', neutral);
    const everyFit = fitOf(every, { terms: [], companySize: '10-49', limit: 5 })!;
    expect(everyFit).toEqual({
      keywords: [],
      terms: 0,
      country: null,
      companySize: true,
      sizeSpecificity: 1,
    });
    expect(whyOf(every, everyFit, { terms: [], companySize: '10-49', limit: 5 })).toEqual([
      'serves companies of every size',
      'no answered or expired leads in the last 90 days: ranked as an average partner',
    ]);
  });

  it('writes answer times in seconds, minutes, hours or days', () => {
    const said = (median: number) => {
      const snapshot = rankingSnapshot(history({ accepted: 1, expired: 0, answerSeconds: 60 }));
      snapshot.responsiveness.medianResponseSeconds = median;
      const c = candidate('p', snapshot);
      return whyOf(c, fitOf(c, query)!, query).find((w) => w.startsWith('median'));
    };
    expect(said(89.4)).toBe('median answer time 89 s');
    expect(said(90)).toBe('median answer time 2 min');
    expect(said(5399)).toBe('median answer time 90 min');
    expect(said(5400)).toBe('median answer time 1.5 h');
    expect(said(36 * 3600 - 1)).toBe('median answer time 36 h');
    expect(said(36 * 3600)).toBe('median answer time 1.5 days');
  });

  it('breaks ties by band, then similarity, then score, then partner id', () => {
    const at = (score: number, similar: RankingSnapshot['similar'] = {}): RankingSnapshot => ({
      ...neutral,
      score,
      band: bandOf(score),
      similar,
    });
    expect(order([candidate('b', at(0.5)), candidate('a', at(0.5))])).toEqual(['a', 'b']);
    expect(order([candidate('a', at(0.51)), candidate('b', at(0.52))])).toEqual(['b', 'a']);
    expect(order([candidate('a', at(0.52)), candidate('b', at(0.51, { 'country:IT': 1 }))])).toEqual([
      'b',
      'a',
    ]);
    expect(order([candidate('a', at(0.59, { 'country:IT': 1 })), candidate('b', at(0.6))])).toEqual([
      'b',
      'a',
    ]);
    expect(
      order(
        [
          candidate('a', neutral, { countries: ['IT'] }),
          candidate('b', neutral, { countries: ['IT', 'DE'] }),
        ],
        {
          terms: ['azure'],
          limit: 5,
        },
      ),
    ).toEqual(['a', 'b']);
  });

  it('shows the candidate as search lists it', () => {
    const c = candidate('p', neutral, { description: 'Cloud' });
    const [ranked] = rankPartners([c], query);
    expect(ranked).toEqual({
      partnerId: 'p',
      companyName: 'p',
      description: 'Cloud',
      score: 0.5,
      fit: { keywords: ['azure migration'], country: true, companySize: null },
      responsiveness: neutral.responsiveness,
      why: whyOf(c, fitOf(c, query)!, query),
    });
    expect(rankPartners([candidate('q', neutral)], query)[0]?.description).toBeNull();
  });
});
