/**
 * The insights aggregates in the table: counting lead changes exactly once, and reading a partner's
 * months beside the platform's.
 *
 * Counting is transactional per group of changes: one TransactWriteItems holds a conditional Put of
 * a marker per change (`COUNTED#<leadId>/<version>`, kept 2 days: the stream keeps records 24 h) and
 * one `ADD` per aggregate item the group touches, with the deltas of the group merged. A change
 * delivered again finds its marker and cancels the transaction; those changes are dropped and the
 * rest retried, so every change counts once. A group stays under DynamoDB's 100 actions.
 */
import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  accumulate,
  type CountedChange,
  emptyTally,
  platformPart,
  type Tally,
} from '../../domain/insights.js';
import { countedKey, PLATFORM_SHARDS, platformStatsKey, statsKey } from './keys.js';
import { addExpression, batchGetRaw, byKey, sumItems, tallyOfItem } from './stats-items.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit on the actions of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Figures one ADD may name: about 13 characters each, well inside an expression's 4 KB. */
export const MAX_FIGURES = 250;
/** How long a counted change is remembered: longer than the stream keeps a record (24 h). */
const MARKER_TTL_SECONDS = 2 * 24 * 60 * 60;
const MAX_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const markerId = (c: CountedChange) => `${c.leadId}#${c.version}`;

export interface CountResult {
  counted: number;
  /** Changes whose marker already existed: delivered before, not counted again. */
  duplicates: number;
  transactions: number;
}

export class InsightsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts each change once, in groups that fit one transaction each, in order. A group that still
   * fails after its retries throws with `countedBefore`: the changes before it are counted, the
   * rest are not (the caller reports them as failed stream records).
   */
  async count(changes: CountedChange[], now: Date): Promise<CountResult> {
    const unique = [...new Map(changes.map((c) => [markerId(c), c])).values()];
    const result: CountResult = { counted: 0, duplicates: changes.length - unique.length, transactions: 0 };
    let done = 0;
    for (const group of groupsOf(unique)) {
      try {
        const { counted, duplicates, transactions } = await this.countGroup(group, now);
        result.counted += counted;
        result.duplicates += duplicates;
        result.transactions += transactions;
        done += group.length;
      } catch (error) {
        throw new CountingError(error, unique.slice(0, done), unique.slice(done));
      }
    }
    return result;
  }

  private async countGroup(group: CountedChange[], now: Date) {
    let pending = group;
    let duplicates = 0;
    let transactions = 0;
    const expiresAt = Math.floor(now.getTime() / 1000) + MARKER_TTL_SECONDS;
    // Spreads the platform's updates over its shards; any shard will do, reads sum them all.
    const shard = createHash('sha256').update(markerId(group[0]!)).digest().readUInt32BE(0) % PLATFORM_SHARDS;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const items = this.transaction(pending, shard, expiresAt);
      try {
        transactions += 1;
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { counted: pending.length, duplicates, transactions };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= MAX_ATTEMPTS) throw error;
        const reasons = error.CancellationReasons ?? [];
        // Markers come first, one per pending change, in order.
        const seen = new Set(
          pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map(markerId),
        );
        duplicates += seen.size;
        pending = pending.filter((c) => !seen.has(markerId(c)));
        // A conflict with a concurrent transaction on a shared aggregate (or throttling): back off.
        if (seen.size === 0) await sleep(Math.min(2000, 20 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
    return { counted: 0, duplicates, transactions };
  }

  private transaction(changes: CountedChange[], shard: number, expiresAt: number): TransactItem[] {
    const partnerMonths = new Map<string, { key: { pk: string; sk: string }; tally: Tally }>();
    const platformMonths = new Map<string, Tally>();
    for (const c of changes) {
      const key = statsKey(c.partnerId, c.month);
      const id = `${key.pk}|${key.sk}`;
      const partner = partnerMonths.get(id) ?? { key, tally: emptyTally() };
      partnerMonths.set(id, partner);
      accumulate(partner.tally, c.delta);
      const platform = platformMonths.get(c.month) ?? emptyTally();
      platformMonths.set(c.month, platform);
      accumulate(platform, platformPart(c.delta));
    }
    const update = (key: { pk: string; sk: string }, tally: Tally): TransactItem[] =>
      Object.keys(tally.counts).length + Object.keys(tally.money).length === 0
        ? []
        : [{ Update: { TableName: this.tableName, Key: key, ...addExpression(tally) } }];
    return [
      ...changes.map(
        (c): TransactItem => ({
          Put: {
            TableName: this.tableName,
            Item: { ...countedKey(c.leadId, c.version), entity: 'counted', expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      ),
      ...[...partnerMonths.values()].flatMap(({ key, tally }) => update(key, tally)),
      ...[...platformMonths].flatMap(([month, tally]) => update(platformStatsKey(shard, month), tally)),
    ];
  }

  /** A partner's months, and the platform's over all of them (shards summed), in one BatchGetItem for up to 24 months. */
  async read(partnerId: string, months: string[]): Promise<{ partner: Map<string, Tally>; platform: Tally }> {
    const partnerKeys = months.map((m) => statsKey(partnerId, m));
    const platformKeys = months.flatMap((m) =>
      Array.from({ length: PLATFORM_SHARDS }, (_, s) => platformStatsKey(s, m)),
    );
    const items = byKey(await batchGetRaw(this.db, this.tableName, [...partnerKeys, ...platformKeys]));
    const at = (key: { pk: string; sk: string }) => items.get(`${key.pk}|${key.sk}`);
    const partner = new Map<string, Tally>();
    for (const month of months) {
      const own = at(statsKey(partnerId, month));
      if (own) partner.set(month, tallyOfItem(own));
    }
    return { partner, platform: sumItems(platformKeys.map(at)) };
  }
}

/** A group of changes failed to count; those before it were counted. */
export class CountingError extends Error {
  constructor(
    reason: unknown,
    readonly counted: CountedChange[],
    readonly uncounted: CountedChange[],
  ) {
    super(
      `counting failed after ${counted.length} change(s): ${(reason as Error)?.message ?? String(reason)}`,
      {
        cause: reason,
      },
    );
  }
}

/**
 * Consecutive changes in groups of one transaction each: a marker per change plus one update per
 * distinct partner month and platform month, at most 100 actions, and at most MAX_FIGURES figures
 * added by any one update (an update expression holds at most 4 KB).
 */
export function groupsOf(changes: CountedChange[]): CountedChange[][] {
  const groups: CountedChange[][] = [];
  let group: CountedChange[] = [];
  let figures = new Map<string, Set<string>>();
  const touches = (c: CountedChange) => {
    const names = [...Object.keys(c.delta.counts), ...Object.keys(c.delta.money)];
    const platform = Object.keys(platformPart(c.delta).counts);
    return [
      [`S|${c.partnerId}|${c.month}`, names],
      [`P|${c.month}`, platform],
    ] as const;
  };
  for (const c of changes) {
    const touched = touches(c);
    const actions = group.length + 1 + figures.size + touched.filter(([k]) => !figures.has(k)).length;
    const tooWide = touched.some(
      ([k, names]) => new Set([...(figures.get(k) ?? []), ...names]).size > MAX_FIGURES,
    );
    if (group.length > 0 && (actions > MAX_TRANSACTION_ITEMS || tooWide)) {
      groups.push(group);
      group = [];
      figures = new Map();
    }
    group.push(c);
    for (const [k, names] of touched) {
      const set = figures.get(k) ?? new Set<string>();
      for (const n of names) set.add(n);
      figures.set(k, set);
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
