import fc from 'fast-check';
import { mergeNewestFirst, type Source } from '../../functions/adapters/dynamodb/merge.js';

/** A source over sorted ids that reads `pageSize` at a time and drops filtered-out items, like a Query with a FilterExpression. */
function source(ids: string[], keep: (id: string) => boolean, calls: { n: number }): Source<string> {
  const sorted = [...ids].sort().reverse();
  return async (before, next, pageSize) => {
    calls.n += 1;
    const start = next ? Number(next.offset) : 0;
    const visible = sorted.filter((id) => before === undefined || id <= before);
    const slice = visible.slice(start, start + pageSize);
    const end = start + slice.length;
    return {
      items: slice.filter(keep).map((id) => ({ id, value: id })),
      ...(end < visible.length ? { next: { offset: end }, frontier: slice.at(-1) } : {}),
    };
  };
}

const id = fc.integer({ min: 0, max: 9999 }).map((n) => `ID${String(n).padStart(5, '0')}`);

describe('mergeNewestFirst', () => {
  it('pages through several filtered sources newest first, with no skips and no repeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uniqueArray(id, { maxLength: 30 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        async (partitions, limit, mod) => {
          // Ids are unique across sources, as lead ids are.
          const seen = new Set<string>();
          const unique = partitions.map((p) => p.filter((x) => !seen.has(x) && seen.add(x)));
          const keep = (x: string) => mod === 0 || Number(x.slice(2)) % (mod + 1) !== 0;
          const expected = [...seen].filter(keep).sort().reverse();
          const calls = { n: 0 };
          const sources = unique.map((p) => source(p, keep, calls));
          const got: string[] = [];
          let before: string | undefined;
          for (let pages = 0; pages < 200; pages++) {
            const page = await mergeNewestFirst(sources, before, limit, 3);
            got.push(...page.items);
            expect(page.items.length).toBeLessThanOrEqual(limit);
            if (!page.next) break;
            before = page.next;
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads each source once when one page of each answers the request', async () => {
    const calls = { n: 0 };
    const page = await mergeNewestFirst(
      [source(['A3', 'A1'], () => true, calls), source(['A2'], () => true, calls)],
      undefined,
      25,
    );
    expect(page).toEqual({ items: ['A3', 'A2', 'A1'] });
    expect(calls.n).toBe(2);
  });
});
