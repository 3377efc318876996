/**
 * Newest-first pagination over several Query sources at once (tabs x stages, sender shards).
 * Every source is sorted by lead id descending; an item is only emitted once no source still
 * reading could hold a newer one, so pages never skip or repeat a lead whatever the page sizes
 * and filters do.
 */
export interface SourcePage<T> {
  items: Array<{ id: string; value: T }>;
  /** Where DynamoDB stopped (LastEvaluatedKey), if there is more to read. */
  next?: Record<string, unknown>;
  /** The id at `next`: every item newer than it has been read. */
  frontier?: string;
}

export type Source<T> = (
  before: string | undefined,
  next: Record<string, unknown> | undefined,
  pageSize: number,
) => Promise<SourcePage<T>>;

interface State<T> {
  source: Source<T>;
  buffer: Array<{ id: string; value: T }>;
  next?: Record<string, unknown>;
  frontier?: string;
  done: boolean;
}

/**
 * Up to `limit` items older than `before`, newest first, and the cursor position for the next
 * page (`undefined` when nothing is left). `maxRounds` bounds the reads one page may make.
 */
export async function mergeNewestFirst<T>(
  sources: Source<T>[],
  before: string | undefined,
  limit: number,
  maxRounds = 5,
): Promise<{ items: T[]; next?: string }> {
  const states: State<T>[] = sources.map((source) => ({ source, buffer: [], done: false }));
  const out: Array<{ id: string; value: T }> = [];
  let rounds = 0;
  while (out.length < limit) {
    const hungry = states.filter((s) => !s.done && s.buffer.length === 0);
    if (hungry.length > 0) {
      if (rounds >= maxRounds) return stopEarly(states, out, limit);
      rounds += 1;
      await Promise.all(
        hungry.map(async (s) => {
          const page = await s.source(before, s.next, limit - out.length + 1);
          s.buffer.push(...page.items.filter((item) => before === undefined || item.id < before));
          s.next = page.next;
          s.frontier = page.frontier;
          s.done = page.next === undefined;
        }),
      );
      continue;
    }
    const best = newestHead(states);
    if (best === undefined) break;
    out.push(best.buffer.shift()!);
  }
  const more = states.some((s) => !s.done || s.buffer.length > 0);
  const last = out.at(-1);
  return { items: out.map((i) => i.value), ...(more && last ? { next: last.id } : {}) };
}

function newestHead<T>(states: State<T>[]): State<T> | undefined {
  let best: State<T> | undefined;
  for (const s of states) {
    const head = s.buffer[0];
    if (head && (best === undefined || head.id > best.buffer[0]!.id)) best = s;
  }
  return best;
}

/** Out of reads: emit what is provably next, and resume below the highest unread frontier. */
function stopEarly<T>(states: State<T>[], out: Array<{ id: string; value: T }>, limit: number) {
  const unread = states.filter((s) => !s.done && s.buffer.length === 0).map((s) => s.frontier ?? '');
  const floor = unread.reduce((a, b) => (a > b ? a : b), '');
  while (out.length < limit) {
    const best = newestHead(states);
    if (best === undefined || best.buffer[0]!.id <= floor) break;
    out.push(best.buffer.shift()!);
  }
  const next = out.at(-1)?.id ?? floor;
  return { items: out.map((i) => i.value), ...(next ? { next } : {}) };
}
