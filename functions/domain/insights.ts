/**
 * Insights (SPEC §7.2) as running aggregates. A lead, as it stands, adds a fixed set of figures to
 * its partner's cohort month (the month of `receivedAt`, UTC): its `contribution`. A transition
 * changes the figures by `contribution(after) - contribution(before)`, so the stored aggregates are
 * sums of deltas, kept with commutative ADDs, and read back by summing months (and shards).
 * Everything here is pure: the stream consumer and the reader are adapters around it.
 */

import * as z from 'zod/mini';
import { addDecimal, decimalOf, isZeroDecimal, negateDecimal } from './decimal.js';
import { InvalidInputError } from './errors.js';
import { type LeadType, leadTypeSchema, leadTypes, outcomeSchema, stageSchema } from './lead.js';
import { pureSchema } from './schema-building.js';
import { bucketOf, quantiles, type SketchBins } from './sketch.js';

/** Figures to add: counts, and money per currency as exact decimal strings. */
export interface Tally {
  counts: Record<string, number>;
  money: Record<string, string>;
}

/**
 * A figure table: a prototype-less object, which V8 keeps as a dictionary from the start. An
 * aggregate holds hundreds of figures (one per sketch bucket), and a plain object taking that many
 * new keys goes through a shape change per key, several times slower to fill.
 */
export const figures = <T>(from?: Record<string, T>): Record<string, T> =>
  Object.assign(Object.create(null) as Record<string, T>, from);

export const emptyTally = (): Tally => ({ counts: figures(), money: figures() });

const amount = /* @__PURE__ */ pureSchema(() => z.object({ amount: z.number(), currency: z.string() }));
/**
 * The part of a lead its figures depend on. The stream consumer reads images with this schema
 * rather than the whole lead's: it skips the text checks of every customer and need field, which
 * are intake's job, and costs a fraction per record.
 */
export const countedLeadSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: z.string(),
    partnerId: z.string(),
    type: leadTypeSchema,
    stage: stageSchema,
    outcome: z.nullable(outcomeSchema),
    receivedAt: z.string(),
    version: z.number(),
    customer: z.object({ country: z.string(), companySize: z.optional(z.string()) }),
    deal: z.nullable(z.object({ value: amount })),
    decline: z.nullable(z.object({ reason: z.string() })),
    closed: z.nullable(z.object({ finalValue: z.optional(amount) })),
    history: z.array(z.object({ action: z.string(), at: z.string() })),
  }),
);
export type CountedLead = z.infer<typeof countedLeadSchema>;

export const leadCounts = ['received', 'open', 'accepted', 'declined', 'expired', 'won', 'lost'] as const;
export type LeadCount = (typeof leadCounts)[number];

/**
 * The stored figure names (attribute names of an aggregate item). Lead counts are kept per lead type
 * and summed for the totals; the sketch's buckets are `rt:<index>`; `sim:` counts how a partner
 * answered leads by customer country, company size and lead type (for search ranking).
 */
export const figure = {
  count: (type: LeadType, count: LeadCount) => `n:${type}:${count}`,
  within24h: 'within24h',
  reason: (reason: string) => `reason:${reason}`,
  responseBucket: (bucket: string) => `rt:${bucket}`,
  pipeline: (currency: string) => `pipeline:${currency}`,
  won: (currency: string) => `won:${currency}`,
  similar: (dimension: SimilarDimension, value: string, answer: 'accepted' | 'declined') =>
    `sim:${dimension}:${value}:${answer}`,
} as const;

export type SimilarDimension = 'country' | 'size' | 'type';
const RESPONSE_PREFIX = 'rt:';
const DAY_SECONDS = 24 * 60 * 60;

/** The month a lead counts in (its cohort): the UTC month of receipt, `YYYY-MM`. */
export const cohortMonth = (receivedAt: string): string => new Date(receivedAt).toISOString().slice(0, 7);

/** Seconds from receipt to the accept or decline, if the lead was answered. */
export function responseSeconds(lead: CountedLead): number | undefined {
  const answer = lead.history.find((h) => h.action === 'accept' || h.action === 'decline');
  if (!answer) return undefined;
  return Math.max(0, (Date.parse(answer.at) - Date.parse(lead.receivedAt)) / 1000);
}

/** What one lead, as it stands, adds to its partner's cohort month. */
export function contribution(lead: CountedLead): Tally {
  const tally = emptyTally();
  const count = (name: string, n = 1) => {
    tally.counts[name] = (tally.counts[name] ?? 0) + n;
  };
  const money = (name: string, amount: number) => {
    if (amount === 0) return;
    tally.money[name] = addDecimal(tally.money[name] ?? '0', decimalOf(amount));
  };
  const type = lead.type;
  count(figure.count(type, 'received'));
  const outcome = lead.stage === 'archived' ? lead.outcome : null;
  const accepted = lead.stage === 'accepted' || outcome === 'won' || outcome === 'lost';
  if (lead.stage === 'received') count(figure.count(type, 'open'));
  if (accepted) count(figure.count(type, 'accepted'));
  if (lead.stage === 'accepted' && lead.deal)
    money(figure.pipeline(lead.deal.value.currency), lead.deal.value.amount);
  if (outcome === 'declined' || outcome === 'expired' || outcome === 'won' || outcome === 'lost') {
    count(figure.count(type, outcome));
  }
  if (outcome === 'declined' && lead.decline) count(figure.reason(lead.decline.reason));
  if (outcome === 'won') {
    const value = lead.closed?.finalValue ?? lead.deal?.value;
    if (value) money(figure.won(value.currency), value.amount);
  }
  const seconds = responseSeconds(lead);
  if (seconds !== undefined && (accepted || outcome === 'declined')) {
    count(figure.responseBucket(bucketOf(seconds)));
    if (seconds <= DAY_SECONDS) count(figure.within24h);
    const answer = accepted ? 'accepted' : 'declined';
    count(figure.similar('country', lead.customer.country, answer));
    if (lead.customer.companySize) count(figure.similar('size', lead.customer.companySize, answer));
    count(figure.similar('type', type, answer));
  }
  return tally;
}

/** a + b (and a - b with `sign` -1), dropping figures that come to zero. */
export function addTallies(a: Tally, b: Tally, sign: 1 | -1 = 1): Tally {
  return accumulate({ counts: figures(a.counts), money: figures(a.money) }, b, sign);
}

/** Adds b into `out` in place (no copy per figure: reading sums many items) and returns it. */
export function accumulate(out: Tally, b: Tally, sign: 1 | -1 = 1): Tally {
  for (const name in b.counts) {
    const sum = (out.counts[name] ?? 0) + sign * b.counts[name]!;
    if (sum === 0) delete out.counts[name];
    else out.counts[name] = sum;
  }
  for (const [name, amount] of Object.entries(b.money)) {
    const sum = addDecimal(out.money[name] ?? '0', sign === 1 ? amount : negateDecimal(amount));
    if (isZeroDecimal(sum)) delete out.money[name];
    else out.money[name] = sum;
  }
  return out;
}

export const isEmptyTally = (t: Tally): boolean =>
  Object.keys(t.counts).length === 0 && Object.keys(t.money).length === 0;

/** The platform keeps only what it reports (rates and response times), not money or reasons. */
export function platformPart(t: Tally): Tally {
  const part = emptyTally();
  for (const name in t.counts) {
    if (name.startsWith('n:') || name === figure.within24h || name.startsWith(RESPONSE_PREFIX)) {
      part.counts[name] = t.counts[name]!;
    }
  }
  return part;
}

/** One lead transition, ready to count: who, which cohort, and what it changes. */
export interface CountedChange {
  leadId: string;
  /** The lead version after the change: with the id, it names the change, so it counts once. */
  version: number;
  partnerId: string;
  month: string;
  delta: Tally;
}

/**
 * What a lead change does to the aggregates, or undefined when it changes nothing counted (edits of
 * notes, added contacts) or is not a change of the lead at all (favorites and reminder marks keep
 * the version: a change that matters always bumps it).
 */
export function changeOf(
  before: CountedLead | undefined,
  after: CountedLead | undefined,
): CountedChange | undefined {
  const lead = after ?? before;
  if (!lead || !after) return undefined;
  if (before && before.version === after.version) return undefined;
  const delta = addTallies(contribution(after), before ? contribution(before) : emptyTally(), -1);
  if (isEmptyTally(delta)) return undefined;
  return {
    leadId: lead.id,
    version: after.version,
    partnerId: lead.partnerId,
    month: cohortMonth(lead.receivedAt),
    delta,
  };
}

// ---- reading ----

export type Counts = Record<LeadCount, number>;
const zeroCounts = (): Counts => ({
  received: 0,
  open: 0,
  accepted: 0,
  declined: 0,
  expired: 0,
  won: 0,
  lost: 0,
});

export interface Rates {
  acceptance: number | null;
  win: number | null;
  expiry: number | null;
  answeredWithin24h: number | null;
}

export interface ResponseTime {
  medianSeconds: number | null;
  p90Seconds: number | null;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);

export function countsOf(t: Tally, type?: LeadType): Counts {
  const counts = zeroCounts();
  for (const lt of type ? [type] : leadTypes) {
    for (const c of leadCounts) counts[c] += t.counts[figure.count(lt, c)] ?? 0;
  }
  return counts;
}

/** The rates of SPEC §7.2, to the letter; null when there is nothing to divide by. */
export function ratesOf(t: Tally): Rates {
  const c = countsOf(t);
  const decided = c.accepted + c.declined + c.expired;
  return {
    acceptance: ratio(c.accepted, decided),
    win: ratio(c.won, c.won + c.lost),
    expiry: ratio(c.expired, decided),
    answeredWithin24h: ratio(t.counts[figure.within24h] ?? 0, decided),
  };
}

export function sketchOf(t: Tally): SketchBins {
  const bins: SketchBins = figures();
  for (const name in t.counts) {
    if (name.startsWith(RESPONSE_PREFIX)) bins[name.slice(RESPONSE_PREFIX.length)] = t.counts[name]!;
  }
  return bins;
}

/**
 * The median and p90 by nearest rank, each within 1 % of the exact value of its rank (see
 * `quantiles`). Not rounded: the bucket's value is the only one within 1 % of every value the
 * bucket may hold, so rounding it (even to the millisecond) would break the bound for some.
 */
export function responseTimeOf(t: Tally): ResponseTime {
  const [median, p90] = quantiles(sketchOf(t), [0.5, 0.9]);
  return { medianSeconds: median ?? null, p90Seconds: p90 ?? null };
}

function moneyOf(t: Tally, kind: 'pipeline' | 'won') {
  const prefix = `${kind}:`;
  return Object.entries(t.money)
    .filter(([name, amount]) => name.startsWith(prefix) && !isZeroDecimal(amount))
    .map(([name, amount]) => ({ currency: name.slice(prefix.length), amount: Number(amount) }))
    .sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

function declineReasonsOf(t: Tally): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const [name, n] of Object.entries(t.counts))
    if (name.startsWith('reason:') && n !== 0) reasons[name.slice(7)] = n;
  return reasons;
}

/** A `YYYY-MM` month as a count of months since year 0, and back: arithmetic without calendars. */
const monthIndex = (month: string): number => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
};
const monthOfIndex = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((((index % 12) + 12) % 12) + 1).padStart(2, '0')}`;

/** `YYYY-MM` months from `from` to `to`, inclusive; none when `from` is after `to`. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let i = monthIndex(from), last = monthIndex(to); i <= last; i++) months.push(monthOfIndex(i));
  return months;
}

/** The month `n` months before (or after, for negative n) a `YYYY-MM` month. */
export const shiftMonth = (month: string, n: number): string => monthOfIndex(monthIndex(month) - n);

export const MAX_MONTHS = 24;
export const DEFAULT_MONTHS = 3;

/**
 * The months a request covers: by default the last three calendar months including this one.
 * Months after the current one are allowed and simply hold no leads yet (zeros, like any month
 * without leads). Only `from` can be at fault once both are well-formed: `to` is either given or
 * the current month, and the period is measured from it.
 */
export function periodOf(query: { from?: string; to?: string }, now: Date): string[] {
  const current = now.toISOString().slice(0, 7);
  const to = query.to ?? current;
  const from = query.from ?? shiftMonth(to, DEFAULT_MONTHS - 1);
  const toSays = query.to === undefined ? `\`to\` (by default the current month, ${current})` : '`to`';
  const refuse = (message: string) =>
    new InvalidInputError([{ path: 'query.from', message }], `\`from\` ${message}.`);
  if (from > to) throw refuse(`must not be after ${toSays}`);
  const months = monthsBetween(from, to);
  if (months.length > MAX_MONTHS) {
    throw refuse(`must be at most ${MAX_MONTHS} months back from ${toSays}, inclusive`);
  }
  return months;
}

export interface InsightsInput {
  partnerId: string;
  months: string[];
  /** The partner's aggregate per month (missing months had no leads). */
  partner: ReadonlyMap<string, Tally>;
  /** Every partner together over the same months, shards summed. */
  platform: Tally;
  now: Date;
}

const sum = (tallies: Iterable<Tally>) => {
  const total = emptyTally();
  for (const t of tallies) accumulate(total, t);
  return total;
};

/** The insights document of SPEC §7.2. */
export function insightsReport(input: InsightsInput) {
  const perMonth = input.months.map((month) => ({ month, tally: input.partner.get(month) ?? emptyTally() }));
  const total = sum(perMonth.map((m) => m.tally));
  const { platform } = input;
  return {
    partnerId: input.partnerId,
    from: input.months[0]!,
    to: input.months.at(-1)!,
    asOf: input.now.toISOString(),
    leads: countsOf(total),
    byType: Object.fromEntries(leadTypes.map((type) => [type, countsOf(total, type)])) as Record<
      LeadType,
      Counts
    >,
    declineReasons: declineReasonsOf(total),
    rates: ratesOf(total),
    responseTime: responseTimeOf(total),
    value: { pipeline: moneyOf(total, 'pipeline'), won: moneyOf(total, 'won') },
    months: perMonth.map(({ month, tally }) => ({
      month,
      leads: countsOf(tally),
      rates: ratesOf(tally),
      responseTime: responseTimeOf(tally),
    })),
    platform: { rates: ratesOf(platform), responseTime: responseTimeOf(platform) },
  };
}
export type Insights = ReturnType<typeof insightsReport>;
