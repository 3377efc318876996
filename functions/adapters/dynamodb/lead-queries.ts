/**
 * The read path of leads: GetItem by id, and every list as Queries on an index named for it,
 * merged newest first. Never a Scan.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { customerMatchKey, type DuplicateCandidate } from '../../domain/duplicates.js';
import { type Lead, leadTypes, tabOf, tabs } from '../../domain/lead.js';
import type { Due, Page, PartnerListQuery, SenderListQuery } from '../../domain/ports.js';
import { asOf } from '../../domain/views.js';
import { queryDueShards } from './due-shards.js';
import {
  deadlinePk,
  favoritesPk,
  idFromSortKey,
  leadKey,
  openByCustomerPk,
  partnerAllPk,
  partnerStagePk,
  partnerTabPrefix,
  reminderPk,
  sentPk,
} from './keys.js';
import { fromItem, type Item } from './lead-items.js';
import { mergeNewestFirst, type Source } from './merge.js';
import { monthOf, monthPages } from './month-pages.js';
import { type IndexDefinition, indexes } from './table-definition.js';

/** A stored item as DynamoDB returned it, left unparsed until a page keeps it. */
const stored = (item: Item): Item => item;

/** How many of a customer's open leads intake reads to flag a new one. */
const DUPLICATE_CANDIDATES = 25;

/** A FilterExpression on a Query: items are read, then dropped, so use it only where few are. */
interface QueryFilter {
  expression: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

export class LeadQueries {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(leadId: string, consistent = false): Promise<Lead | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: consistent }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  listForPartner(query: PartnerListQuery): Promise<Page<Lead>> {
    if (query.tab === 'favorites') return this.listFavorites(query);
    if (!query.stage) {
      // Every stage: one Query on the partner's whole collection, a type filter for one tab.
      const types = query.tab ? leadTypes.filter((type) => tabOf(type) === query.tab) : undefined;
      const filter = types && {
        expression: `#type IN (${types.map((_, i) => `:type${i}`).join(', ')})`,
        names: { '#type': 'type' },
        values: Object.fromEntries(types.map((type, i) => [`:type${i}`, type])),
      };
      const source = this.querySource(indexes.byPartner, partnerAllPk(query.partnerId), '', stored, filter);
      return this.merge([source], query.before, query.limit, fromItem);
    }
    const now = query.now.toISOString();
    const received = partnerStagePk(query.partnerId, 'received');
    const open = { expression: 'respondBy > :now', values: { ':now': now } };
    const overdue = { expression: 'respondBy <= :now', values: { ':now': now } };
    // Which stored stages answer a stage filter. Overdue received leads read as archived until the
    // archiver moves them (SPEC §3), so they are filtered out of `received` and into `archived`.
    const partitions: Array<{ pk: string; filter?: QueryFilter }> = {
      received: [{ pk: received, filter: open }],
      accepted: [{ pk: partnerStagePk(query.partnerId, 'accepted') }],
      archived: [{ pk: partnerStagePk(query.partnerId, 'archived') }, { pk: received, filter: overdue }],
    }[query.stage];
    const sources: Source<Item>[] = [];
    for (const tab of query.tab ? [query.tab] : tabs) {
      for (const { pk, filter } of partitions) {
        sources.push(this.querySource(indexes.byPartnerStage, pk, partnerTabPrefix(tab), stored, filter));
      }
    }
    return this.merge(sources, query.before, query.limit, fromItem);
  }

  /** A sender's leads, newest first: one month's partition per Query, at most two per page. */
  async listForSender(query: SenderListQuery): Promise<Page<Lead>> {
    const index = indexes.bySender;
    const page = await monthPages<Lead>({
      ...query,
      floor: monthOf(Date.parse(query.since)),
      read: async (month, before, limit) => {
        const result = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.name,
            KeyConditionExpression: '#pk = :pk AND #sk < :before',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
            ExpressionAttributeValues: { ':pk': sentPk(query.senderId, month), ':before': before },
            ScanIndexForward: false,
            Limit: limit,
          }),
        );
        const items = (result.Items ?? []).map(fromItem).map((lead) => ({ id: lead.id, value: lead }));
        return { items, more: result.LastEvaluatedKey !== undefined };
      },
    });
    return { items: page.items, ...(page.next ? { next: page.next } : {}) };
  }

  /**
   * Open leads of the partner sharing the customer's match key, received since `since`, newest
   * first: one Query on the sparse openByCustomer index (archived leads have left it).
   */
  async openLeadsLike(partnerId: string, email: string, since: string): Promise<DuplicateCandidate[]> {
    const index = indexes.openByCustomer;
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk AND #sk >= :since',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: {
          ':pk': openByCustomerPk(partnerId, customerMatchKey(email)),
          ':since': since,
        },
        ScanIndexForward: false,
        // The newest few are what a partner needs to see; a customer sent fifty times is flagged anyway.
        Limit: DUPLICATE_CANDIDATES,
      }),
    );
    return Items.map((item) => ({
      leadId: idFromSortKey(String(item[index.sortKey])),
      senderId: String((item.sender as { id?: unknown } | undefined)?.id ?? ''),
      receivedAt: String(item.receivedAt),
      respondBy: String(item.respondBy),
      stage: String(item.stage),
      customer: item.customer as DuplicateCandidate['customer'],
    }));
  }

  /** Received leads whose deadline or reminder time is before `now`, oldest first, at most `limit`. */
  due(kind: 'expiry' | 'reminder', now: Date, limit: number): Promise<Due[]> {
    const [index, pkOf] =
      kind === 'expiry' ? [indexes.dueForExpiry, deadlinePk] : [indexes.dueForReminder, reminderPk];
    return queryDueShards(this.db, {
      tableName: this.tableName,
      index,
      pkOf,
      before: now,
      limit,
      read: (item) => ({
        leadId: idFromSortKey(String(item[index.sortKey])),
        partnerId: String(item.partnerId),
        respondBy: String(item.respondBy),
      }),
    });
  }

  /**
   * Merges the sources, then parses only the items the page returns: each source reads one item
   * past the page (and several sources read a page each), so parsing as they are read would
   * parse leads no one sees.
   */
  private async merge<T>(
    sources: Source<T>[],
    before: string | undefined,
    limit: number,
    parse: (value: T) => Lead,
  ): Promise<Page<Lead>> {
    const page = await mergeNewestFirst(sources, before, limit);
    return { items: page.items.map(parse), ...(page.next ? { next: page.next } : {}) };
  }

  /** Reads one index partition newest first, below `before`, within a sort-key prefix. */
  private querySource<T>(
    index: IndexDefinition,
    pk: string,
    prefix: string,
    map: (item: Item) => T,
    filter?: QueryFilter,
  ): Source<T> {
    return async (before, next, pageSize) => {
      const values: Record<string, unknown> = { ':pk': pk };
      let range = '';
      if (before !== undefined && prefix) {
        // Inclusive BETWEEN keeps the range inside the tab; the merge drops the cursor's own lead.
        range = ' AND #sk BETWEEN :lo AND :hi';
        values[':lo'] = prefix;
        values[':hi'] = `${prefix}${before}`;
      } else if (before !== undefined) {
        range = ' AND #sk < :hi';
        values[':hi'] = before;
      } else if (prefix) {
        range = ' AND begins_with(#sk, :lo)';
        values[':lo'] = prefix;
      }
      Object.assign(values, filter?.values);
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `#pk = :pk${range}`,
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            ...(range ? { '#sk': index.sortKey } : {}),
            ...filter?.names,
          },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: pageSize,
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      const last = result.LastEvaluatedKey;
      return {
        items: (result.Items ?? []).map((item) => ({
          id: idFromSortKey(String(item[index.sortKey])),
          value: map(item),
        })),
        ...(last ? { next: last, frontier: idFromSortKey(String(last[index.sortKey])) } : {}),
      };
    };
  }

  /** A user's favorites: the marks on their partition, then the leads themselves in one BatchGet. */
  private async listFavorites(query: PartnerListQuery): Promise<Page<Lead>> {
    const pk = favoritesPk(query.partnerId, query.userSub);
    const marks = this.querySource(indexes.byPartnerStage, pk, '', (item) => String(item.leadId));
    const source: Source<Lead> = async (before, next, pageSize) => {
      const page = await marks(before, next, pageSize);
      const leads = await this.getMany(page.items.map((i) => i.value));
      const items = leads
        .filter((lead) => lead.partnerId === query.partnerId)
        .filter((lead) => !query.stage || asOf(lead, query.now).stage === query.stage)
        .map((lead) => ({ id: lead.id, value: lead }))
        .sort((a, b) => (a.id < b.id ? 1 : -1));
      return { ...page, items };
    };
    return this.merge([source], query.before, query.limit, (lead) => lead);
  }

  private async getMany(ids: string[]): Promise<Lead[]> {
    if (ids.length === 0) return [];
    let keys: Array<Record<string, unknown>> = ids.map((id) => leadKey(id));
    const found: Lead[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const result = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
      );
      found.push(...(result.Responses?.[this.tableName] ?? []).map(fromItem));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (attempt >= 5 && keys.length > 0) throw new Error('BatchGet kept leaving keys unprocessed');
    }
    return found;
  }
}
