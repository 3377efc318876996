/**
 * Newest-first pages over partitions bucketed by calendar month (UTC), in at most two reads per
 * page: the month the cursor points into, then the month before it. A page that runs out of
 * items in both months ends with a cursor at the end of the month before those, so each page
 * moves back at least one month and the walk ends at the oldest month there can be data for.
 *
 * Positions are ULIDs (lead ids are ULIDs, time-ordered); a cursor that marks "everything before
 * this month" is the largest ULID of the month's last millisecond, so a real lead is never equal
 * to it.
 */
import { decodeTime, encodeTime } from 'ulidx';

/** `YYYY-MM` of an instant, UTC. */
export const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

/** Epoch ms of the first instant of a `YYYY-MM` month, UTC. */
export const monthStart = (month: string): number =>
  Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);

/** The month before a `YYYY-MM` month. */
export const previousMonth = (month: string): string => monthOf(monthStart(month) - 1);

/** The largest ULID of a millisecond: every lead received at or before it sorts below it. */
export const lastIdAt = (ms: number): string => `${encodeTime(ms, 10)}${'Z'.repeat(16)}`;

/** A position after every item of a month: reading below it reads the whole month. */
const endOf = (month: string): string =>
  lastIdAt(monthStart(monthOf(monthStart(month) + 32 * 86_400_000)) - 1);

/** One read of one month's partition: up to `limit` items older than `before`, newest first. */
export type MonthReader<T> = (
  month: string,
  before: string | undefined,
  limit: number,
) => Promise<{ items: Array<{ id: string; value: T }>; more: boolean }>;

export async function monthPages<T>(options: {
  read: MonthReader<T>;
  /** The position to read on from (exclusive), or undefined for the newest. */
  before?: string;
  limit: number;
  now: Date;
  /** The oldest month that can hold items (e.g. the month the sender was registered). */
  floor: string;
}): Promise<{ items: T[]; next?: string }> {
  const { read, limit, floor } = options;
  let month = monthOf(options.before === undefined ? options.now.getTime() : decodeTime(options.before));
  let position = options.before ?? endOf(month);
  const items: Array<{ id: string; value: T }> = [];
  const values = () => items.map((i) => i.value);
  for (let reads = 0; reads < 2 && month >= floor; reads++) {
    const page = await read(month, position, limit - items.length);
    items.push(...page.items);
    // Full, or DynamoDB stopped early: the next page goes on from the last item read.
    if (items.length >= limit || page.more) return { items: values(), next: items.at(-1)?.id ?? position };
    month = previousMonth(month);
    position = endOf(month);
  }
  // Read to the end of the oldest month there can be items for: nothing is left.
  if (month < floor) return { items: values() };
  // Two months read to their end: the next page starts at the end of the month before them.
  return { items: values(), next: position };
}
