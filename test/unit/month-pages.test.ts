import fc from 'fast-check';
import { ulid } from 'ulidx';
import { type MonthReader, monthOf, monthPages } from '../../functions/adapters/dynamodb/month-pages.js';

/** An in-memory month-partitioned index, read the way the bySender Query reads it. */
function monthIndex(times: number[]) {
  const byMonth = new Map<string, string[]>();
  for (const time of times) {
    const id = ulid(time);
    const month = monthOf(time);
    byMonth.set(month, [...(byMonth.get(month) ?? []), id]);
  }
  let reads = 0;
  const read: MonthReader<string> = async (month, before, limit) => {
    reads += 1;
    const ids = (byMonth.get(month) ?? [])
      .filter((id) => before === undefined || id < before)
      .sort()
      .reverse();
    const items = ids.slice(0, limit).map((id) => ({ id, value: id }));
    return { items, more: ids.length > limit };
  };
  const all = [...byMonth.values()].flat().sort().reverse();
  return { read, all, reads: () => reads };
}

const floorTime = Date.UTC(2025, 0, 1);
const now = new Date(Date.UTC(2026, 10, 25));

describe('month pages', () => {
  it('pages newest first through months with gaps, at most two reads a page, without repeats or skips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: floorTime, max: now.getTime() - 1 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        async (times, limit) => {
          const index = monthIndex(times);
          const seen: string[] = [];
          let before: string | undefined;
          for (let page = 0; page < 200; page++) {
            const readsBefore = index.reads();
            const result = await monthPages({
              read: index.read,
              before,
              limit,
              now,
              floor: monthOf(floorTime),
            });
            expect(index.reads() - readsBefore).toBeLessThanOrEqual(2);
            expect(result.items.length).toBeLessThanOrEqual(limit);
            seen.push(...result.items);
            if (!result.next) break;
            before = result.next;
          }
          expect(seen).toEqual(index.all);
        },
      ),
    );
  });

  it('answers a full first page from the current month in one read', async () => {
    const index = monthIndex(Array.from({ length: 30 }, (_, i) => now.getTime() - 1000 * (i + 1)));
    const page = await monthPages({ read: index.read, limit: 25, now, floor: '2025-01' });
    expect(page.items).toEqual(index.all.slice(0, 25));
    expect(page.next).toBe(index.all[24]);
    expect(index.reads()).toBe(1);
  });

  it('ends at the floor month', async () => {
    const index = monthIndex([]);
    const page = await monthPages({ read: index.read, limit: 25, now, floor: '2026-11' });
    expect(page).toEqual({ items: [] });
    expect(index.reads()).toBe(1);
  });
});
