/**
 * Partner search ranking (SPEC §7.3), pure. Two halves:
 *
 * - `rankingSnapshot`: what a partner's last 90 days say about it (its own figures, a smoothed
 *   responsiveness score, the band of that score, and how it answered leads by country, size and
 *   type). The search index stores the snapshot in every item of the partner and orders each index
 *   partition by band, so the index is rewritten only when the snapshot changes.
 * - `rankPartners`: the order of the partners a search found. Lexicographic, best first:
 *   1. fit: more of the search's terms matched, then the country, then the size (a partner that
 *      names the size ranks above one that serves every size);
 *   2. responsiveness band: answers faster and lets fewer leads expire;
 *   3. similar leads: accepted more than declined leads of this country, size and type;
 *   4. the exact score, then the partner id (a stable order).
 *   A partner without history gets the neutral prior: score 0.5, the middle band, so it ranks below
 *   partners that answer well and above partners that let leads expire.
 */
import { countsOf, figure, monthsBetween, type SimilarDimension, sketchOf, type Tally } from './insights.js';
import { termsOf } from './keywords.js';
import type { LeadType } from './lead.js';
import { quantile } from './sketch.js';

/** A partner's own figures over the last 90 days, as §7.2 defines them (null: nothing to divide). */
export interface Responsiveness {
  medianResponseSeconds: number | null;
  answeredWithin24h: number | null;
  acceptanceRate: number | null;
  expiryRate: number | null;
  leadsLast90Days: number;
}

/** +1: accepted more leads like this than it declined; -1: declined more. */
export type Tendency = 1 | -1;

export interface RankingSnapshot {
  responsiveness: Responsiveness;
  /** Leads accepted, declined or expired in the window: how much evidence the score has. */
  decided: number;
  /** Smoothed responsiveness, 0..1; 0.5 is the neutral prior of a partner without history. */
  score: number;
  /** `floor(score x BANDS)`: the order of the search index. */
  band: number;
  /** Tendency per `<dimension>:<value>` (e.g. `country:IT`), only where the partner answered such leads. */
  similar: Record<string, Tendency>;
}

export const WINDOW_DAYS = 90;
export const BANDS = 20;
export const NEUTRAL_SCORE = 0.5;
/** Pseudo-leads at the neutral score added to every partner's evidence (the prior's weight). */
export const PRIOR_LEADS = 4;
const DAY_SECONDS = 86_400;

/**
 * The cohort months that make up "the last 90 days": every month that overlaps them. A lead counts
 * in the month it was received, so the window is the 90 days rounded out to whole months.
 */
export function windowMonths(now: Date): string[] {
  const first = new Date(now.getTime() - WINDOW_DAYS * DAY_SECONDS * 1000).toISOString().slice(0, 7);
  return monthsBetween(first, now.toISOString().slice(0, 7));
}

/** Two significant digits: figures shown in search change (and rewrite the index) only when that visibly moves. */
export function significant(value: number, digits = 2): number {
  if (value === 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - digits + 1);
  return Math.round(value / magnitude) * magnitude;
}
const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 100) / 100 : null);

/** How answering speed counts in the score: 1 for an instant answer, 0.5 at one day, towards 0 after. */
const speedOf = (medianSeconds: number | null) =>
  medianSeconds === null ? 0 : 1 / (1 + medianSeconds / DAY_SECONDS);

/**
 * The observed quality of a partner's answers, 0..1: 1 when it answers every lead within a day, 0
 * when it lets every lead expire; about the neutral 0.5 when it lets a quarter expire and answers the
 * rest within a day. Expiries weigh most (squared), then the share answered within 24 h, then the
 * median answer time. It only grows as the partner answers faster or lets fewer leads expire.
 */
export function observedQuality(f: {
  expiryRate: number;
  answeredWithin24h: number;
  medianSeconds: number | null;
}) {
  const kept = 1 - f.expiryRate;
  return kept * (0.6 * kept + 0.28 * f.answeredWithin24h + 0.12 * kept * speedOf(f.medianSeconds));
}

/** The smoothed score: observed quality weighed by evidence against the neutral prior. */
export function smoothedScore(decided: number, observed: number): number {
  return (decided * observed + PRIOR_LEADS * NEUTRAL_SCORE) / (decided + PRIOR_LEADS);
}

export const bandOf = (score: number): number => Math.min(BANDS, Math.max(0, Math.floor(score * BANDS)));

/** A partner's snapshot from the sum of its window's months. */
export function rankingSnapshot(window: Tally): RankingSnapshot {
  const c = countsOf(window);
  const decided = c.accepted + c.declined + c.expired;
  const within = window.counts[figure.within24h] ?? 0;
  const median = quantile(sketchOf(window), 0.5);
  const observed =
    decided > 0
      ? observedQuality({
          expiryRate: c.expired / decided,
          answeredWithin24h: within / decided,
          medianSeconds: median,
        })
      : NEUTRAL_SCORE;
  const score = Math.round(smoothedScore(decided, observed) * 1000) / 1000;
  const balance = new Map<string, number>();
  for (const [name, n] of Object.entries(window.counts)) {
    const match = /^sim:(country|size|type):(.+):(accepted|declined)$/.exec(name);
    if (!match) continue;
    const key = `${match[1]}:${match[2]}`;
    balance.set(key, (balance.get(key) ?? 0) + (match[3] === 'accepted' ? n : -n));
  }
  const similar: Record<string, Tendency> = {};
  for (const [key, b] of balance) if (b !== 0) similar[key] = b > 0 ? 1 : -1;
  return {
    responsiveness: {
      medianResponseSeconds: median === null ? null : significant(Math.round(median)),
      answeredWithin24h: rate(within, decided),
      acceptanceRate: rate(c.accepted, decided),
      expiryRate: rate(c.expired, decided),
      leadsLast90Days: c.received < 100 ? c.received : significant(c.received),
    },
    decided,
    score,
    band: bandOf(score),
    similar,
  };
}

/** The snapshot of a partner no lead has reached yet: the neutral prior. */
export const neutralSnapshot = (): RankingSnapshot => rankingSnapshot({ counts: {}, money: {} });

/** Whether the index must be rewritten: anything a search shows or ranks by changed. */
export const sameSnapshot = (a: RankingSnapshot | undefined, b: RankingSnapshot): boolean =>
  a !== undefined && JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const canonical = (s: RankingSnapshot) => ({
  ...s,
  similar: Object.fromEntries(Object.entries(s.similar).sort()),
});

// ---- ranking a search ----

export interface SearchQuery {
  /** The search's terms (see `termsOf`); empty when only a country was given. */
  terms: string[];
  country?: string;
  companySize?: string;
  /** The type of lead the sender means to send, for "how it answered similar leads". */
  type?: LeadType;
  limit: number;
}

/** What the index holds about a partner: enough to decide fit and rank from any one of its items. */
export interface Candidate {
  partnerId: string;
  companyName: string;
  description?: string;
  /** Its keywords, normalised. */
  keywords: string[];
  countries: string[];
  /** Company sizes it serves; empty: every size. */
  companySizes: string[];
  ranking: RankingSnapshot;
}

export interface Fit {
  /** Its keywords that share a term with the search. */
  keywords: string[];
  /** Distinct search terms those keywords cover. */
  terms: number;
  /** It has a location in the country (null: no country asked). */
  country: boolean | null;
  /** It serves the size (null: no size asked). */
  companySize: boolean | null;
  /** 2 names the size, 1 serves every size, 0 not asked. */
  sizeSpecificity: number;
}

/** How a partner fits a search, or undefined when it does not (SPEC §7.3's three conditions). */
export function fitOf(candidate: Candidate, query: SearchQuery): Fit | undefined {
  const wanted = new Set(query.terms);
  const keywords: string[] = [];
  const covered = new Set<string>();
  for (const keyword of candidate.keywords) {
    const shared = termsOf(keyword).filter((t) => wanted.has(t));
    if (shared.length === 0) continue;
    keywords.push(keyword);
    for (const t of shared) covered.add(t);
  }
  if (wanted.size > 0 && covered.size === 0) return undefined;
  if (query.country !== undefined && !candidate.countries.includes(query.country)) return undefined;
  const namesSize = query.companySize !== undefined && candidate.companySizes.includes(query.companySize);
  const servesAll = candidate.companySizes.length === 0;
  if (query.companySize !== undefined && !namesSize && !servesAll) return undefined;
  return {
    keywords,
    terms: covered.size,
    country: query.country === undefined ? null : true,
    companySize: query.companySize === undefined ? null : true,
    sizeSpecificity: query.companySize === undefined ? 0 : namesSize ? 2 : 1,
  };
}

/** -3..3: how the partner answered leads like the one searched for (country, size, type). */
export function similarityOf(snapshot: RankingSnapshot, query: SearchQuery): number {
  let sum = 0;
  const dims: Array<[SimilarDimension, string | undefined]> = [
    ['country', query.country],
    ['size', query.companySize],
    ['type', query.type],
  ];
  for (const [dimension, value] of dims)
    if (value !== undefined) sum += snapshot.similar[`${dimension}:${value}`] ?? 0;
  return sum;
}

export interface RankedPartner {
  partnerId: string;
  companyName: string;
  description: string | null;
  score: number;
  fit: { keywords: string[]; country: boolean | null; companySize: boolean | null };
  responsiveness: Responsiveness;
  why: string[];
}

const percent = (r: number) => `${Math.round(r * 100)} %`;
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86400) * 10) / 10} days`;
}

/** Why a partner ranks where it does, in words. */
export function whyOf(candidate: Candidate, fit: Fit, query: SearchQuery): string[] {
  const why = fit.keywords.slice(0, 3).map((k) => `matches “${k}”`);
  if (query.country !== undefined) why.push(`serves ${query.country}`);
  if (query.companySize !== undefined) {
    why.push(
      fit.sizeSpecificity === 2
        ? `serves companies of ${query.companySize} employees`
        : 'serves companies of every size',
    );
  }
  const { responsiveness: r, decided } = candidate.ranking;
  if (decided === 0) {
    why.push('no answered or expired leads in the last 90 days: ranked as an average partner');
  } else {
    if (r.answeredWithin24h !== null)
      why.push(`answers ${percent(r.answeredWithin24h)} of leads within 24 h`);
    if (r.medianResponseSeconds !== null) why.push(`median answer time ${duration(r.medianResponseSeconds)}`);
    if (r.expiryRate !== null) {
      why.push(r.expiryRate === 0 ? 'let no lead expire' : `let ${percent(r.expiryRate)} of leads expire`);
    }
  }
  const dims: Array<[SimilarDimension, string | undefined, (v: string) => string]> = [
    ['country', query.country, (v) => `from ${v}`],
    ['size', query.companySize, (v) => `from companies of ${v} employees`],
    ['type', query.type, (v) => `of type ${v}`],
  ];
  for (const [dimension, value, words] of dims) {
    if (value === undefined) continue;
    const tendency = candidate.ranking.similar[`${dimension}:${value}`];
    if (tendency === 1) why.push(`accepted more leads ${words(value)} than it declined`);
    if (tendency === -1) why.push(`declined more leads ${words(value)} than it accepted`);
  }
  return why;
}

/** The partners that fit a search, best first, at most `limit`. */
export function rankPartners(candidates: Iterable<Candidate>, query: SearchQuery): RankedPartner[] {
  const seen = new Set<string>();
  const fitting: Array<{ candidate: Candidate; fit: Fit; similarity: number }> = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.partnerId)) continue;
    seen.add(candidate.partnerId);
    const fit = fitOf(candidate, query);
    if (fit) fitting.push({ candidate, fit, similarity: similarityOf(candidate.ranking, query) });
  }
  fitting.sort(
    (a, b) =>
      b.fit.terms - a.fit.terms ||
      Number(b.fit.country) - Number(a.fit.country) ||
      b.fit.sizeSpecificity - a.fit.sizeSpecificity ||
      b.candidate.ranking.band - a.candidate.ranking.band ||
      b.similarity - a.similarity ||
      b.candidate.ranking.score - a.candidate.ranking.score ||
      (a.candidate.partnerId < b.candidate.partnerId ? -1 : 1),
  );
  return fitting.slice(0, query.limit).map(({ candidate, fit }) => ({
    partnerId: candidate.partnerId,
    companyName: candidate.companyName,
    description: candidate.description ?? null,
    score: candidate.ranking.score,
    fit: { keywords: fit.keywords, country: fit.country, companySize: fit.companySize },
    responsiveness: candidate.ranking.responsiveness,
    why: whyOf(candidate, fit, query),
  }));
}
