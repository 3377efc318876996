/**
 * The aggregation rules of insights: what a lead contributes in each state, the delta of a
 * transition, and the report read back. Properties: deltas telescope to the final contribution in
 * any order, and the report equals figures counted directly from the leads (response times within
 * 1 %).
 */
import fc from 'fast-check';
import type { InvalidInputError } from '../../functions/domain/errors.js';
import {
  addTallies,
  type CountedChange,
  changeOf,
  cohortMonth,
  contribution,
  emptyTally,
  insightsReport,
  isEmptyTally,
  monthsBetween,
  periodOf,
  platformPart,
  responseSeconds,
  shiftMonth,
  type Tally,
} from '../../functions/domain/insights.js';
import type { Lead } from '../../functions/domain/lead.js';
import { at, commands, received, run, t0 } from '../support/leads.js';

const HOUR = 3_600_000;
const sumChanges = (changes: CountedChange[]) =>
  changes.reduce((t, c) => addTallies(t, c.delta), emptyTally());

type Path = 'received' | 'accepted' | 'declined' | 'expired' | 'won' | 'lost';
interface Spec {
  path: Path;
  type: Lead['type'];
  answerMs: number;
  amount: number;
  finalAmount?: number;
  country: string;
  size?: '1-9' | '50-249';
  reason: 'no-capacity' | 'not-a-fit';
}

/** A lead walked along a path, and every version it went through. */
function walk(spec: Spec, id = '01JD0000000000000000000000'): Lead[] {
  const first = {
    ...received({
      type: spec.type,
      customer: {
        companyName: 'Fabrikam',
        contactName: 'Ana',
        email: 'ana@fabrikam.example',
        country: spec.country,
        ...(spec.size ? { companySize: spec.size } : {}),
      },
    }),
    id,
  };
  const versions = [first];
  const answer = at(spec.answerMs);
  const deal = {
    name: 'Deal',
    value: { amount: spec.amount, currency: 'EUR' },
    estimatedCloseDate: '2027-01-31',
  };
  if (spec.path === 'received') return versions;
  if (spec.path === 'expired') return [...versions, run(first, commands.expire, at(15 * 24 * HOUR))];
  if (spec.path === 'declined') {
    return [...versions, run(first, { action: 'decline', decline: { reason: spec.reason } }, answer)];
  }
  const accepted = run(first, { action: 'accept', deal }, answer);
  versions.push(accepted);
  // An edit of the notes changes no figure; an edit of the value moves the pipeline.
  const noted = run(accepted, commands.edit, at(spec.answerMs + 1000));
  versions.push(noted);
  if (spec.path === 'accepted') return versions;
  const close =
    spec.finalAmount === undefined ? {} : { finalValue: { amount: spec.finalAmount, currency: 'EUR' } };
  versions.push(run(noted, { action: spec.path, close }, at(spec.answerMs + 2000)));
  return versions;
}

const changesOf = (versions: Lead[]) =>
  versions.flatMap((v, i) => {
    const change = changeOf(i === 0 ? undefined : versions[i - 1], v);
    return change ? [change] : [];
  });

const specArb = fc.record({
  path: fc.constantFrom<Path>('received', 'accepted', 'declined', 'expired', 'won', 'lost'),
  type: fc.constantFrom<Lead['type']>('customer-inquiry', 'marketing-qualified', 'sales-qualified'),
  answerMs: fc.integer({ min: 1, max: 13 * 24 * HOUR }),
  amount: fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100),
  finalAmount: fc.option(
    fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100),
    { nil: undefined },
  ),
  country: fc.constantFrom('IT', 'DE'),
  size: fc.option(fc.constantFrom<'1-9' | '50-249'>('1-9', '50-249'), { nil: undefined }),
  reason: fc.constantFrom<'no-capacity' | 'not-a-fit'>('no-capacity', 'not-a-fit'),
});

describe('contribution of a lead', () => {
  it.each<[Path, Record<string, number>, Record<string, string>]>([
    ['received', { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:open': 1 }, {}],
    [
      'accepted',
      { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:accepted': 1 },
      { 'pipeline:EUR': '1000' },
    ],
    [
      'declined',
      { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:declined': 1, 'reason:no-capacity': 1 },
      {},
    ],
    ['expired', { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:expired': 1 }, {}],
    [
      'won',
      { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:accepted': 1, 'n:customer-inquiry:won': 1 },
      { 'won:EUR': '900.5' },
    ],
    [
      'lost',
      { 'n:customer-inquiry:received': 1, 'n:customer-inquiry:accepted': 1, 'n:customer-inquiry:lost': 1 },
      {},
    ],
  ])('counts a %s lead', (path, counts, money) => {
    const spec: Spec = {
      path,
      type: 'customer-inquiry',
      answerMs: 2 * HOUR,
      amount: 1000,
      finalAmount: 900.5,
      country: 'IT',
      reason: 'no-capacity',
    };
    const tally = contribution(walk(spec).at(-1)!);
    const answered = path !== 'received' && path !== 'expired';
    const expected = {
      ...counts,
      ...(answered
        ? {
            within24h: 1,
            [`sim:country:IT:${path === 'declined' ? 'declined' : 'accepted'}`]: 1,
            [`sim:type:customer-inquiry:${path === 'declined' ? 'declined' : 'accepted'}`]: 1,
          }
        : {}),
    };
    let rt = 0;
    const rest: Record<string, number> = {};
    for (const [k, v] of Object.entries(tally.counts)) {
      if (k.startsWith('rt:')) rt += v;
      else rest[k] = v;
    }
    expect(rest).toEqual(expected);
    expect(rt).toBe(answered ? 1 : 0);
    expect(tally.money).toEqual(money);
  });

  it('takes the deal value when a won lead has no final value', () => {
    const lead = walk({
      path: 'won',
      type: 'sales-qualified',
      answerMs: HOUR,
      amount: 250,
      country: 'IT',
      reason: 'not-a-fit',
    }).at(-1)!;
    expect(contribution(lead).money).toEqual({ 'won:EUR': '250' });
  });

  it('writes no money figure for a deal worth 0 (figures that come to zero are dropped)', () => {
    const spec = {
      type: 'sales-qualified',
      answerMs: HOUR,
      amount: 0,
      country: 'IT',
      reason: 'not-a-fit',
    } as const;
    expect(Object.keys(contribution(walk({ ...spec, path: 'won' }).at(-1)!).money)).toEqual([]);
    expect(Object.keys(contribution(walk({ ...spec, path: 'accepted' }).at(-1)!).money)).toEqual([]);
  });
});

describe('changes that count', () => {
  it('ignores a favorite (same version) and an edit of the notes (nothing counted moves)', () => {
    const lead = received();
    const favorited: Lead = { ...lead, favoritedBy: ['u1'] };
    expect(changeOf(lead, favorited)).toBeUndefined();
    const accepted = run(lead, commands.accept);
    expect(changeOf(accepted, run(accepted, commands.edit))).toBeUndefined();
  });

  it('moves the pipeline when the deal value is edited', () => {
    const accepted = run(received(), commands.accept);
    const edited = run(accepted, { action: 'edit', deal: { value: { amount: 150000, currency: 'EUR' } } });
    expect(changeOf(accepted, edited)).toMatchObject({
      version: 3,
      month: '2026-11',
      delta: { counts: {}, money: { 'pipeline:EUR': '30000' } },
    });
  });

  it('sums a life cycle, in any order, to what the final lead contributes', () => {
    fc.assert(
      fc.property(specArb, fc.infiniteStream(fc.nat()), (spec, noise) => {
        const versions = walk(spec);
        const changes = changesOf(versions);
        const shuffled = [...changes].sort(() => (noise.next().value % 2 ? 1 : -1));
        expect(sumChanges(shuffled)).toEqual(contribution(versions.at(-1)!));
        expect(new Set(changes.map((c) => c.version)).size).toBe(changes.length);
      }),
    );
  });
});

/** The figures of §7.2 counted straight from the leads: the oracle for the report. */
function oracle(leads: Lead[]) {
  const final = (p: Path) => leads.filter((l) => (l.stage === 'archived' ? l.outcome : l.stage) === p).length;
  const accepted = final('accepted') + final('won') + final('lost');
  const decided = accepted + final('declined') + final('expired');
  const answers = leads.flatMap((l) => {
    const h = l.history.find((e) => e.action === 'accept' || e.action === 'decline');
    return h ? [(Date.parse(h.at) - Date.parse(l.receivedAt)) / 1000] : [];
  });
  const r = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);
  return {
    leads: {
      received: leads.length,
      open: final('received'),
      accepted,
      declined: final('declined'),
      expired: final('expired'),
      won: final('won'),
      lost: final('lost'),
    },
    rates: {
      acceptance: r(accepted, decided),
      win: r(final('won'), final('won') + final('lost')),
      expiry: r(final('expired'), decided),
      answeredWithin24h: r(answers.filter((s) => s <= 86_400).length, decided),
    },
    answers,
  };
}

describe('insights report', () => {
  const now = new Date('2026-11-30T00:00:00.000Z');

  it('equals the figures counted directly from the leads, with response times within 1 %', () => {
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 40 }), (specs) => {
        const leads = specs.map((s, i) => walk(s, `01JD${String(i).padStart(22, '0')}`).at(-1)!);
        // Counted as a stream would: every change, in any grouping.
        const tally: Tally = sumChanges(
          specs.flatMap((s, i) => changesOf(walk(s, `01JD${String(i).padStart(22, '0')}`))),
        );
        const report = insightsReport({
          partnerId: 'contoso',
          months: ['2026-10', '2026-11'],
          partner: new Map([['2026-11', tally]]),
          platform: tally,
          now,
        });
        const expected = oracle(leads);
        expect(report.leads).toEqual(expected.leads);
        expect(report.rates).toEqual(expected.rates);
        expect(report.platform.rates).toEqual(expected.rates);
        expect(report.months[0]!.leads.received).toBe(0);
        const sorted = [...expected.answers].sort((a, b) => a - b);
        for (const [q, got] of [
          [0.5, report.responseTime.medianSeconds],
          [0.9, report.responseTime.p90Seconds],
        ] as const) {
          if (sorted.length === 0) expect(got).toBeNull();
          else {
            // Nearest rank: the value of rank ceil(q x n), 1-based.
            const truth = sorted[Math.max(1, Math.ceil(Math.round(q * sorted.length * 1e6) / 1e6)) - 1]!;
            expect(Math.abs(got! - truth)).toBeLessThanOrEqual(truth * 0.01 + 1e-9);
          }
        }
      }),
    );
  });

  it('reports zeros and null rates for a partner without leads', () => {
    const report = insightsReport({
      partnerId: 'p',
      months: ['2026-11'],
      partner: new Map(),
      platform: emptyTally(),
      now,
    });
    expect(report.leads).toEqual({
      received: 0,
      open: 0,
      accepted: 0,
      declined: 0,
      expired: 0,
      won: 0,
      lost: 0,
    });
    expect(report.rates).toEqual({ acceptance: null, win: null, expiry: null, answeredWithin24h: null });
    expect(report.responseTime).toEqual({ medianSeconds: null, p90Seconds: null });
    expect(report.value).toEqual({ pipeline: [], won: [] });
  });

  it('sums money per currency exactly', () => {
    const a: Tally = { counts: {}, money: { 'won:EUR': '0.1', 'pipeline:USD': '5' } };
    const b: Tally = { counts: {}, money: { 'won:EUR': '0.2' } };
    const report = insightsReport({
      partnerId: 'p',
      months: ['2026-10', '2026-11'],
      partner: new Map([
        ['2026-10', a],
        ['2026-11', b],
      ]),
      platform: emptyTally(),
      now,
    });
    expect(report.value).toEqual({
      pipeline: [{ currency: 'USD', amount: 5 }],
      won: [{ currency: 'EUR', amount: 0.3 }],
    });
  });
});

describe('insights period', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  it('defaults to the last three calendar months including this one', () => {
    expect(periodOf({}, now)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(periodOf({ to: '2026-02' }, now)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(periodOf({ from: '2026-11' }, now)).toEqual(['2026-11']);
  });
  it('covers at most 24 months, from not after to', () => {
    expect(periodOf({ from: '2024-12', to: '2026-11' }, now)).toHaveLength(24);
    expect(() => periodOf({ from: '2024-11', to: '2026-11' }, now)).toThrow(/24 months/);
    expect(() => periodOf({ from: '2026-12', to: '2026-11' }, now)).toThrow(/after/);
  });
  it('names `from` when the period is refused, saying what `to` defaulted to', () => {
    const refusal = (query: { from?: string; to?: string }) => {
      try {
        periodOf(query, now);
      } catch (error) {
        return error as InvalidInputError;
      }
      throw new Error('not refused');
    };
    expect(refusal({ from: '2026-12', to: '2026-11' }).errors).toEqual([
      { path: 'query.from', message: 'must not be after `to`' },
    ]);
    expect(refusal({ from: '2027-01' }).errors).toEqual([
      { path: 'query.from', message: 'must not be after `to` (by default the current month, 2026-11)' },
    ]);
    expect(refusal({ from: '2024-01' }).errors[0]!.path).toBe('query.from');
    expect(refusal({ from: '2024-01' }).status).toBe(400);
  });
  it('counts months across year boundaries and far-apart years', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-05', '2026-05')).toEqual(['2026-05']);
    expect(monthsBetween('2026-06', '2026-05')).toEqual([]);
    expect(monthsBetween('1999-12', '2000-01')).toEqual(['1999-12', '2000-01']);
    expect(monthsBetween('9999-11', '9999-12')).toEqual(['9999-11', '9999-12']);
    expect(shiftMonth('2026-01', 1)).toBe('2025-12');
    expect(shiftMonth('2026-01', 13)).toBe('2024-12');
    expect(shiftMonth('2025-12', -1)).toBe('2026-01');
    expect(shiftMonth('1970-01', 2)).toBe('1969-11');
    expect(shiftMonth('1000-01', 1)).toBe('0999-12');
    expect(monthsBetween('0009-12', '0010-01')).toEqual(['0009-12', '0010-01']);
    // A span of exactly 24 months over two year ends, and one more refused.
    expect(periodOf({ from: '2025-01', to: '2026-12' }, now)).toHaveLength(24);
    expect(() => periodOf({ from: '2024-12', to: '2026-12' }, now)).toThrow(/24 months/);
    expect(periodOf({ from: '1970-01', to: '1970-01' }, now)).toEqual(['1970-01']);
    expect(periodOf({ to: '1970-01' }, now)).toEqual(['1969-11', '1969-12', '1970-01']);
  });
  it('takes months still to come: they hold no leads yet', () => {
    expect(periodOf({ from: '2027-01', to: '2027-02' }, now)).toEqual(['2027-01', '2027-02']);
    expect(periodOf({ to: '2027-01' }, now)).toEqual(['2026-11', '2026-12', '2027-01']);
  });
  it('starts the default period at t0', () => {
    expect(periodOf({}, t0).at(-1)).toBe('2026-11');
  });
});

describe('insights bookkeeping', () => {
  it('keeps for the platform only counts, answers within 24 h and response buckets', () => {
    const t: Tally = {
      counts: {
        'n:customer-inquiry:won': 2,
        within24h: 1,
        'rt:12': 3,
        'reason:other': 1,
        'sim:country:IT:accepted': 1,
      },
      money: { 'won:EUR': '5' },
    };
    expect(platformPart(t)).toEqual({
      counts: { 'n:customer-inquiry:won': 2, within24h: 1, 'rt:12': 3 },
      money: {},
    });
  });

  it('adds and subtracts tallies, dropping figures that come to zero', () => {
    const a: Tally = { counts: { x: 2, y: 1 }, money: { 'won:EUR': '1.5', 'won:USD': '2' } };
    const b: Tally = { counts: { x: 2, z: 1 }, money: { 'won:EUR': '1.5', 'won:GBP': '1' } };
    expect(addTallies(a, b, -1)).toEqual({
      counts: { y: 1, z: -1 },
      money: { 'won:USD': '2', 'won:GBP': '-1' },
    });
    expect(addTallies(a, b)).toEqual({
      counts: { x: 4, y: 1, z: 1 },
      money: { 'won:EUR': '3', 'won:USD': '2', 'won:GBP': '1' },
    });
    expect(a).toEqual({ counts: { x: 2, y: 1 }, money: { 'won:EUR': '1.5', 'won:USD': '2' } });
    expect(isEmptyTally(addTallies(a, a, -1))).toBe(true);
    expect(isEmptyTally({ counts: {}, money: { 'won:EUR': '1' } })).toBe(false);
    expect(isEmptyTally({ counts: { x: 1 }, money: {} })).toBe(false);
  });

  it('counts a new lead whole, names the change by the version after it, and ignores a deletion', () => {
    const lead = received();
    expect(changeOf(undefined, lead)).toEqual({
      leadId: lead.id,
      version: lead.version,
      partnerId: 'contoso',
      month: '2026-11',
      delta: contribution(lead),
    });
    expect(changeOf(lead, undefined)).toBeUndefined();
    expect(changeOf(undefined, undefined)).toBeUndefined();
    const accepted = run(lead, commands.accept, at(HOUR));
    expect(changeOf(lead, accepted)?.version).toBe(accepted.version);
    expect(changeOf(lead, accepted)?.delta.counts).toMatchObject({
      'n:customer-inquiry:open': -1,
      'n:customer-inquiry:accepted': 1,
    });
  });

  it('counts an answer within 24 h up to the second, and no response time for a lead not answered', () => {
    const answeredAfter = (ms: number) => contribution(run(received(), commands.accept, at(ms))).counts;
    expect(answeredAfter(24 * HOUR).within24h).toBe(1);
    expect(answeredAfter(24 * HOUR + 1000).within24h).toBeUndefined();
    expect(responseSeconds(run(received(), commands.accept, at(90_000)))).toBe(90);
    expect(responseSeconds(received())).toBeUndefined();
    // Receipt after the answer (clocks of two writers): never a negative response time.
    const accepted = run(received(), commands.accept, at(HOUR));
    expect(responseSeconds({ ...accepted, receivedAt: at(2 * HOUR).toISOString() })).toBe(0);
    expect(cohortMonth('2026-11-30T23:59:59.999Z')).toBe('2026-11');
    expect(cohortMonth('2026-12-01T00:00:00.000Z')).toBe('2026-12');
  });

  it('counts the similar-lead answers by country, company size and type', () => {
    const lead = received({
      customer: {
        companyName: 'F',
        contactName: 'A',
        email: 'a@f.example',
        country: 'DE',
        companySize: '10-49',
      },
    });
    const declined = run(lead, { action: 'decline', decline: { reason: 'not-a-fit' } }, at(HOUR));
    expect(contribution(declined).counts).toMatchObject({
      'sim:country:DE:declined': 1,
      'sim:size:10-49:declined': 1,
      'sim:type:customer-inquiry:declined': 1,
      'reason:not-a-fit': 1,
    });
    expect(contribution(run(received(), commands.accept, at(HOUR))).counts).not.toHaveProperty(
      'sim:size:undefined:accepted',
    );
  });

  it('reports decline reasons, lead counts by type, and money sorted by currency without zeros', () => {
    const t: Tally = {
      counts: {
        'n:customer-inquiry:received': 2,
        'n:sales-qualified:received': 1,
        'n:sales-qualified:declined': 1,
        'reason:no-capacity': 1,
        'reason:other': 0,
      },
      money: { 'pipeline:USD': '5', 'pipeline:EUR': '2.5', 'pipeline:CHF': '0', 'won:GBP': '1' },
    };
    const report = insightsReport({
      partnerId: 'p',
      months: ['2026-11'],
      partner: new Map([['2026-11', t]]),
      platform: emptyTally(),
      now: new Date('2026-11-30T00:00:00.000Z'),
    });
    expect(report.declineReasons).toEqual({ 'no-capacity': 1 });
    expect(report.byType['customer-inquiry'].received).toBe(2);
    expect(report.byType['sales-qualified']).toMatchObject({ received: 1, declined: 1 });
    expect(report.byType['marketing-qualified'].received).toBe(0);
    expect(report.leads.received).toBe(3);
    expect(report.value).toEqual({
      pipeline: [
        { currency: 'EUR', amount: 2.5 },
        { currency: 'USD', amount: 5 },
      ],
      won: [{ currency: 'GBP', amount: 1 }],
    });
    expect(report).toMatchObject({
      partnerId: 'p',
      from: '2026-11',
      to: '2026-11',
      asOf: '2026-11-30T00:00:00.000Z',
    });
  });
});
