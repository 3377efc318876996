/**
 * The partner search index in the table. Each searchable partner has one item per partition it is
 * listed in (term, term + country, country; see `partitionsOf`), all holding the same candidate, so
 * any one item is enough to decide fit and rank. The sort key starts with the responsiveness band,
 * so a descending Query of a partition returns the best first.
 *
 * Per partner, one search card (`SEARCH#PARTNER#<p>` / `CARD`) holds the searchable profile and the
 * ranking snapshot; the index items are rewritten from the card's stream record only (old image ->
 * new image), so the rewrites of one partner are applied in the order the card changed.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import type { Tally } from '../../domain/insights.js';
import type { Candidate, RankingSnapshot } from '../../domain/ranking.js';
import { pureSchema } from '../../domain/schema-building.js';
import {
  candidateOf,
  type Partition,
  type PartnerIndex,
  partitionsOf,
  type SearchCard,
  type SearchProfile,
} from '../../domain/search.js';
import type { SearchCardStore } from '../../domain/search-maintenance.js';
import { searchCardKey, searchCountryPk, searchSk, searchTermPk, statsKey } from './keys.js';
import { batchGetRaw, byKey, sumItems } from './stats-items.js';

// ---- items, parsed rather than cast ----

const responsivenessSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    medianResponseSeconds: z.nullable(z.number()),
    answeredWithin24h: z.nullable(z.number()),
    acceptanceRate: z.nullable(z.number()),
    expiryRate: z.nullable(z.number()),
    leadsLast90Days: z.number(),
  }),
);
const rankingSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    responsiveness: responsivenessSchema,
    decided: z.number(),
    score: z.number(),
    band: z.number().check(z.int()),
    similar: z.record(z.string(), z.union([z.literal(1), z.literal(-1)])),
  }),
);
const profileSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    listed: z.boolean(),
    companyName: z.optional(z.string()),
    description: z.optional(z.string()),
    keywords: z.array(z.string()),
    countries: z.array(z.string()),
    companySizes: z.array(z.string()),
  }),
);
const cardSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    partnerId: z.string(),
    profile: z.optional(profileSchema),
    profileVersion: z.optional(z.number()),
    ranking: z.optional(rankingSchema),
    rankingKey: z.optional(z.string()),
  }),
);
const candidateSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    partnerId: z.string(),
    companyName: z.string(),
    description: z.optional(z.string()),
    keywords: z.array(z.string()),
    countries: z.array(z.string()),
    companySizes: z.array(z.string()),
    ranking: rankingSchema,
  }),
);

type Item = Record<string, unknown>;
type CardItem = z.infer<typeof cardSchema>;

/** A search card from a stored item or a stream image, if it is one. */
export function cardOf(item: Item | undefined): CardItem | undefined {
  if (!item) return undefined;
  const parsed = cardSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** The key that says a snapshot changed: canonical JSON, compared in the conditional write. */
export const rankingKeyOf = (ranking: RankingSnapshot) =>
  JSON.stringify({ ...ranking, similar: Object.fromEntries(Object.entries(ranking.similar).sort()) });

export const partitionPk = (p: Partition) =>
  'term' in p ? searchTermPk(p.term, p.country) : searchCountryPk(p.country);

/** The index items of a card: one per partition, each holding the whole candidate. */
export function indexItemsOf(card: SearchCard | undefined): Item[] {
  const candidate = card ? candidateOf(card) : undefined;
  if (!candidate) return [];
  const sk = searchSk(candidate.ranking.band, candidate.partnerId);
  return partitionsOf(candidate).map((p) => ({ pk: partitionPk(p), sk, entity: 'search', ...candidate }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** The read side (the search route): the best candidates of each partition. */
export class SearchIndex implements PartnerIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One Query per partition, side by side: requests grow with the search's terms, never with partners. */
  async candidates(partitions: Partition[], perPartition: number): Promise<Candidate[]> {
    const pages = await Promise.all(
      partitions.map((p) =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partitionPk(p) },
            ScanIndexForward: false,
            Limit: perPartition,
          }),
        ),
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map((item) => candidateSchema.parse(item)));
  }
}

/**
 * The maintenance side (the search indexer): cards and their index items. A class of its own so
 * that the search route, which only reads, neither bundles it nor builds the card schemas.
 */
export class SearchCards implements SearchCardStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Copies a saved profile's searchable part onto the card, unless a later profile version got there first. */
  async saveProfile(partnerId: string, profile: SearchProfile, version: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: searchCardKey(partnerId),
          UpdateExpression: 'SET partnerId = :p, entity = :e, profile = :profile, profileVersion = :v',
          ConditionExpression: 'attribute_not_exists(profileVersion) OR profileVersion < :v',
          ExpressionAttributeValues: {
            ':p': partnerId,
            ':e': 'search-card',
            ':profile': profile,
            ':v': version,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Each partner's window months summed, and its card, in as few BatchGetItems as 100 keys allow. */
  async windows(
    partnerIds: string[],
    months: string[],
  ): Promise<Map<string, { window: Tally; card?: CardItem }>> {
    const keys = partnerIds.flatMap((p) => [...months.map((m) => statsKey(p, m)), searchCardKey(p)]);
    const items = byKey(await batchGetRaw(this.db, this.tableName, keys));
    const at = (key: { pk: string; sk: string }) => items.get(`${key.pk}|${key.sk}`);
    return new Map(
      partnerIds.map((p) => {
        const raw = at(searchCardKey(p));
        const card = cardOf(raw ? unmarshall(raw) : undefined);
        return [p, { window: sumItems(months.map((m) => at(statsKey(p, m)))), ...(card ? { card } : {}) }];
      }),
    );
  }

  /**
   * Stores a new snapshot on the card if the card still holds `previous` (optimistic concurrency:
   * false when another writer changed it first, so the caller reads again).
   */
  async saveRanking(
    partnerId: string,
    ranking: RankingSnapshot,
    previous: string | undefined,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: searchCardKey(partnerId),
          UpdateExpression: 'SET partnerId = :p, entity = :e, ranking = :r, rankingKey = :k',
          ConditionExpression:
            previous === undefined ? 'attribute_not_exists(rankingKey)' : 'rankingKey = :prev',
          ExpressionAttributeValues: {
            ':p': partnerId,
            ':e': 'search-card',
            ':r': ranking,
            ':k': rankingKeyOf(ranking),
            ...(previous === undefined ? {} : { ':prev': previous }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Rewrites a partner's index items from one card state to the next: puts every item of the new
   * state (so a rewrite also repairs), deletes the old keys the new state no longer has.
   * Returns the number of items written and deleted.
   */
  async rewrite(
    before: SearchCard | undefined,
    after: SearchCard | undefined,
  ): Promise<{ put: number; deleted: number }> {
    const next = indexItemsOf(after);
    const keep = new Set(next.map((i) => `${i.pk}|${i.sk}`));
    const gone = indexItemsOf(before).filter((i) => !keep.has(`${i.pk}|${i.sk}`));
    const requests: WriteRequest[] = [
      ...gone.map((i): WriteRequest => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })),
      ...next.map((i): WriteRequest => ({ PutRequest: { Item: i } })),
    ];
    await this.batchWrite(requests);
    return { put: next.length, deleted: gone.length };
  }

  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
    // A few chunks at a time: enough to overlap round trips, few enough not to throttle ourselves.
    for (let i = 0; i < chunks.length; i += 4) {
      await Promise.all(
        chunks.slice(i, i + 4).map(async (chunk) => {
          let pending = chunk;
          for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
            if (attempt > 8) throw new Error('BatchWriteItem kept leaving items unprocessed');
            const result = await this.db.send(
              new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
            );
            pending = result.UnprocessedItems?.[this.tableName] ?? [];
          }
        }),
      );
    }
  }
}

/** The domain's card from a stored or streamed card item. */
export const searchCardOf = (item: CardItem): SearchCard => ({
  partnerId: item.partnerId,
  ...(item.profile ? { profile: item.profile } : {}),
  ...(item.ranking ? { ranking: item.ranking } : {}),
});
