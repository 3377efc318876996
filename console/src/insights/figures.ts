/**
 * The insights document (SPEC §7.2) turned into what the page draws and tabulates, and the checks
 * of a period before it is asked for. Pure, so the unit tests hold the charts and their tables to
 * the same figures.
 */
import type { FieldProblem, Insights, LeadCounts, Rates } from '../api/types.js';

/** Parts of a cohort that add up to its received leads (accepted counts won and lost too). */
export const outcomeParts = ['open', 'inProgress', 'won', 'lost', 'declined', 'expired'] as const;
export type OutcomePart = (typeof outcomeParts)[number];

export const outcomePartLabels: Record<OutcomePart, string> = {
  open: 'Open',
  inProgress: 'Accepted, in progress',
  won: 'Won',
  lost: 'Lost',
  declined: 'Declined',
  expired: 'Expired',
};

export function outcomesOf(counts: LeadCounts): Record<OutcomePart, number> {
  return {
    open: counts.open,
    inProgress: Math.max(0, counts.accepted - counts.won - counts.lost),
    won: counts.won,
    lost: counts.lost,
    declined: counts.declined,
    expired: counts.expired,
  };
}

/** Received → answered (accepted or declined) → accepted → won. */
export function funnelOf(counts: LeadCounts): Array<{ stage: string; count: number }> {
  return [
    { stage: 'Received', count: counts.received },
    { stage: 'Answered', count: counts.accepted + counts.declined },
    { stage: 'Accepted', count: counts.accepted },
    { stage: 'Won', count: counts.won },
  ];
}

export type RateName = keyof Rates;
export const rateLabels: Record<RateName, string> = {
  acceptance: 'Acceptance',
  win: 'Win',
  expiry: 'Expiry',
  answeredWithin24h: 'Answered within 24 h',
};
/** What each rate divides, in words (SPEC §7.2). */
export const rateHints: Record<RateName, string> = {
  acceptance: 'accepted of the leads answered or expired',
  win: 'won of the deals closed',
  expiry: 'expired of the leads answered or expired (lower is better)',
  answeredWithin24h: 'accepted or declined within 24 hours of receipt',
};
export const rateNames = Object.keys(rateLabels) as RateName[];

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** A rate in words; `null` (nothing to divide by) is "No data", never 0 %. */
export const formatRate = (rate: number | null): string => (rate === null ? 'No data' : percent.format(rate));

/** A duration in the largest two units that matter: "45 s", "12 min", "1 h 30 min", "2 days 3 h". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'No data';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${days} ${days === 1 ? 'day' : 'days'}${rest ? ` ${rest} h` : ''}`;
}

const monthName = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
/** `2026-09` as the reader's locale names it ("Sep 2026"). */
export const formatMonth = (month: string): string => monthName.format(new Date(`${month}-01T00:00:00Z`));

/** Decline reasons, most frequent first. */
export const declineReasonsOf = (insights: Pick<Insights, 'declineReasons'>): Array<[string, number]> =>
  Object.entries(insights.declineReasons)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const MAX_MONTHS = 24;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const indexOf = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/**
 * What the API would refuse in a period, said before it is sent and where the API says it: at the
 * first month (the API measures the period back from the last one, so only `from` can be at fault).
 */
export function periodProblems(from: string, to: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [path, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!MONTH.test(value)) problems.push({ path, message: 'Required: a month.' });
  }
  if (problems.length > 0) return problems;
  if (from > to) return [{ path: 'from', message: 'Must not be after the last month.' }];
  if (indexOf(to) - indexOf(from) + 1 > MAX_MONTHS)
    return [{ path: 'from', message: `At most ${MAX_MONTHS} months: choose a later first month.` }];
  return [];
}

/** The `n` months ending with `to`, as a period (`from`, `to`). */
export function lastMonths(n: number, to: string): { from: string; to: string } {
  const index = indexOf(to) - (n - 1);
  const from = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
  return { from, to };
}
