/**
 * What the insights page draws and tabulates (console/src/insights/figures.ts): the parts of a
 * cohort add up to its received leads, rates and durations in words, and the period checks that
 * put the API's refusals at the field concerned before anything is sent.
 */
import fc from 'fast-check';
import type { LeadCounts } from '../../console/src/api/types.js';
import {
  declineReasonsOf,
  formatDuration,
  formatRate,
  funnelOf,
  lastMonths,
  outcomeParts,
  outcomesOf,
  periodProblems,
} from '../../console/src/insights/figures.js';

/** Counts as a cohort can stand: every received lead is open, accepted (maybe won or lost), declined or expired. */
const cohort = fc
  .record({
    open: fc.nat(50),
    inProgress: fc.nat(50),
    won: fc.nat(50),
    lost: fc.nat(50),
    declined: fc.nat(50),
    expired: fc.nat(50),
  })
  .map(
    (p): LeadCounts => ({
      received: p.open + p.inProgress + p.won + p.lost + p.declined + p.expired,
      open: p.open,
      accepted: p.inProgress + p.won + p.lost,
      declined: p.declined,
      expired: p.expired,
      won: p.won,
      lost: p.lost,
    }),
  );

describe('outcomesOf', () => {
  it('splits a cohort into parts that add up to its received leads', () => {
    fc.assert(
      fc.property(cohort, (counts) => {
        const parts = outcomesOf(counts);
        expect(outcomeParts.reduce((sum, p) => sum + parts[p], 0)).toBe(counts.received);
        expect(parts.inProgress + parts.won + parts.lost).toBe(counts.accepted);
      }),
    );
  });

  it('never draws a negative part from inconsistent counts', () => {
    const parts = outcomesOf({ received: 1, open: 0, accepted: 1, declined: 0, expired: 0, won: 1, lost: 1 });
    expect(parts.inProgress).toBe(0);
  });
});

describe('funnelOf', () => {
  it('narrows from received to won', () => {
    fc.assert(
      fc.property(cohort, (counts) => {
        const steps = funnelOf(counts).map((s) => s.count);
        for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThanOrEqual(steps[i - 1]!);
      }),
    );
    expect(
      funnelOf({ received: 10, open: 2, accepted: 5, declined: 2, expired: 1, won: 3, lost: 1 }),
    ).toEqual([
      { stage: 'Received', count: 10 },
      { stage: 'Answered', count: 7 },
      { stage: 'Accepted', count: 5 },
      { stage: 'Won', count: 3 },
    ]);
  });
});

describe('words for figures', () => {
  it('says "No data" for a rate or time with nothing to measure, never 0', () => {
    expect(formatRate(null)).toBe('No data');
    expect(formatDuration(null)).toBe('No data');
    expect(formatRate(0)).toMatch(/^0\s?%$/);
    expect(formatRate(0.667)).toMatch(/^66\.7\s?%$/);
  });

  it('names a duration in the two largest units that matter', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(5400)).toBe('1 h 30 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(86_400)).toBe('1 day');
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 59)).toBe('2 days 3 h');
  });

  it('lists decline reasons most frequent first, without the empty ones', () => {
    const insights = { declineReasons: { 'not-a-fit': 2, 'no-capacity': 5, duplicate: 0, other: 2 } };
    expect(declineReasonsOf(insights)).toEqual([
      ['no-capacity', 5],
      ['not-a-fit', 2],
      ['other', 2],
    ]);
  });
});

describe('periodProblems', () => {
  it('accepts a period of one to 24 months in order', () => {
    expect(periodProblems('2026-01', '2026-01')).toEqual([]);
    expect(periodProblems('2025-01', '2026-12')).toEqual([]);
  });

  it('puts each refusal at the field concerned', () => {
    expect(periodProblems('', '2026-01')).toEqual([{ path: 'from', message: 'Required: a month.' }]);
    expect(periodProblems('2026-02', '2026-01')).toEqual([
      { path: 'from', message: 'Must not be after the last month.' },
    ]);
    expect(periodProblems('2024-12', '2026-12')).toEqual([
      { path: 'from', message: 'At most 24 months: choose a later first month.' },
    ]);
  });

  it('offers the last n months as a period the API takes', () => {
    expect(lastMonths(3, '2026-02')).toEqual({ from: '2025-12', to: '2026-02' });
    expect(lastMonths(12, '2026-12')).toEqual({ from: '2026-01', to: '2026-12' });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        (n, y, m) => {
          const to = `${y}-${String(m).padStart(2, '0')}`;
          const period = lastMonths(n, to);
          expect(periodProblems(period.from, period.to)).toEqual([]);
        },
      ),
    );
  });
});
