/**
 * The DynamoDB side of the lead life cycle: one conditional write per partner action, lists as
 * Queries only, intake atomic with its idempotency claim.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  LeadNotFoundError,
} from '../../domain/errors.js';
import { type Lead, leadTypes, type Sender, tabOf, tabs } from '../../domain/lead.js';
import { type Change, explainRefusal } from '../../domain/lifecycle.js';
import type { Due, IdempotencyClaim, LeadStore, Page, PartnerListQuery } from '../../domain/ports.js';
import { asOf } from '../../domain/views.js';
import {
  clientKey,
  DEADLINE_SHARDS,
  deadlinePk,
  favoriteKey,
  favoritesPk,
  idempotencyKey,
  idFromSortKey,
  leadIndexKeys,
  leadKey,
  partnerAllPk,
  partnerStagePk,
  partnerTabPrefix,
  reminderPk,
  SENT_SHARDS,
  senderKey,
  sentPk,
  timerKey,
} from './keys.js';
import { mergeNewestFirst, type Source } from './merge.js';
import { SenderLookup } from './sender-lookup.js';

type Item = Record<string, unknown>;

/** A FilterExpression on a Query: items are read, then dropped, so use it only where few are. */
interface QueryFilter {
  expression: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
  'entity',
];

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function toItem(lead: Lead): Item {
  const { favoritedBy, ...rest } = lead;
  return {
    ...leadKey(lead.id),
    ...leadIndexKeys({ ...lead, tab: tabOf(lead.type), senderId: lead.sender.id }),
    entity: 'lead',
    ...rest,
    ...(favoritedBy && favoritedBy.length > 0 ? { favoritedBy: new Set(favoritedBy) } : {}),
  };
}

export function fromItem(item: Item): Lead {
  const lead: Item = {};
  for (const [key, value] of Object.entries(item)) if (!KEY_ATTRIBUTES.includes(key)) lead[key] = value;
  if (item.favoritedBy instanceof Set) lead.favoritedBy = [...(item.favoritedBy as Set<string>)];
  return lead as unknown as Lead;
}

/** Items on errors come back in wire format: lib-dynamodb only translates successful outputs. */
const plain = (item: Record<string, AttributeValue> | undefined): Item | undefined =>
  item ? unmarshall(item, { convertWithoutMapWrapper: false }) : undefined;

export class LeadRepository implements LeadStore {
  private readonly senders: SenderLookup;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.senders = new SenderLookup(db, tableName);
  }

  async create(lead: Lead, claim?: IdempotencyClaim): Promise<{ lead: Lead; replayed: boolean }> {
    const nowSeconds = epochSeconds(lead.receivedAt);
    type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: toItem(lead),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...timerKey(lead.id),
            entity: 'timer',
            leadId: lead.id,
            partnerId: lead.partnerId,
            respondBy: lead.respondBy,
            expiresAt: epochSeconds(lead.respondBy),
          },
        },
      },
    ];
    if (claim) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(claim.senderId, claim.key),
            entity: 'idempotency',
            fingerprint: claim.fingerprint,
            leadId: lead.id,
            expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired claim TTL has not deleted yet no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { lead, replayed: false };
    } catch (error) {
      if (!claim || !(error instanceof TransactionCanceledException)) throw error;
      const reason = error.CancellationReasons?.[2];
      let previous = reason?.Code === 'ConditionalCheckFailed' ? plain(reason.Item) : undefined;
      if (!previous && reason?.Code === 'TransactionConflict') {
        // Two requests with one key at once: whoever committed first owns it.
        const read = await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: idempotencyKey(claim.senderId, claim.key),
            ConsistentRead: true,
          }),
        );
        previous = read.Item;
        if (!previous) throw new IdempotencyInProgressError();
      }
      if (!previous) throw error;
      if (previous.fingerprint !== claim.fingerprint) throw new IdempotencyKeyReusedError();
      const original = await this.get(String(previous.leadId), true);
      if (!original) throw new IdempotencyInProgressError();
      return { lead: original, replayed: true };
    }
  }

  async get(leadId: string, consistent = false): Promise<Lead | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: consistent }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async apply(change: Change): Promise<Lead> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':one': 1 };
    let n = 0;
    const aliases = new Map<string, string>();
    // Aliases are made on first use: DynamoDB refuses unused ones.
    const name = (attribute: string) => {
      let key = aliases.get(attribute);
      if (!key) {
        key = `#n${n++}`;
        aliases.set(attribute, key);
        names[key] = attribute;
      }
      return key;
    };
    const value = (v: unknown) => {
      const key = `:v${n++}`;
      values[key] = v;
      return key;
    };

    const sets: string[] = [];
    const removes: string[] = [];
    for (const [attribute, v] of Object.entries(change.set)) sets.push(`${name(attribute)} = ${value(v)}`);
    for (const [field, v] of Object.entries(change.dealSet))
      sets.push(`${name('deal')}.${name(field)} = ${value(v)}`);
    for (const field of change.dealRemove) removes.push(`${name('deal')}.${name(field)}`);
    if (change.appendContacts.length > 0) {
      sets.push(`${name('contacts')} = list_append(${name('contacts')}, ${value(change.appendContacts)})`);
    }
    sets.push(`${name('history')} = list_append(${name('history')}, ${value([change.history])})`);
    sets.push(`${name('version')} = ${name('version')} + :one`);
    const stage = change.set.stage;
    if (stage !== undefined && stage !== change.guard.stage) {
      sets.push(`${name('gsi1pk')} = ${value(partnerStagePk(change.guard.partnerId ?? '', stage))}`);
      if (change.guard.stage === 'received') {
        removes.push(name('gsi3pk'), name('gsi3sk'), name('gsi4pk'), name('gsi4sk'));
      }
    }

    const { guard } = change;
    const conditions = ['attribute_exists(pk)', `${name('stage')} = ${value(guard.stage)}`];
    if (guard.partnerId !== undefined) conditions.push(`${name('partnerId')} = ${value(guard.partnerId)}`);
    if (guard.openAt !== undefined) conditions.push(`${name('respondBy')} > ${value(guard.openAt)}`);
    if (guard.closedAt !== undefined) conditions.push(`${name('respondBy')} <= ${value(guard.closedAt)}`);
    if (guard.versions !== undefined) {
      // An If-Match that names no strong ETag can never match: a condition that never holds.
      conditions.push(
        guard.versions.length > 0
          ? `${name('version')} IN (${guard.versions.map((v) => value(v)).join(', ')})`
          : 'attribute_not_exists(pk)',
      );
    }
    if (guard.contactsAtMost !== undefined) {
      conditions.push(`size(${name('contacts')}) <= ${value(guard.contactsAtMost)}`);
    }
    if (guard.historyBelow !== undefined) {
      conditions.push(`size(${name('history')}) < ${value(guard.historyBelow)}`);
    }

    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(change.leadId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = plain(error.Item);
      throw explainRefusal(old ? fromItem(old) : undefined, change) ?? new LeadNotFoundError();
    }
  }

  /** Received leads whose deadline (gsi3) or reminder (gsi4) time is before `now`, oldest first, at most `limit`. */
  async due(kind: 'expiry' | 'reminder', now: Date, limit: number): Promise<Due[]> {
    const [index, pkName, skName, pkOf] =
      kind === 'expiry'
        ? (['gsi3', 'gsi3pk', 'gsi3sk', deadlinePk] as const)
        : (['gsi4', 'gsi4pk', 'gsi4sk', reminderPk] as const);
    const found: Due[] = [];
    await Promise.all(
      Array.from({ length: DEADLINE_SHARDS }, async (_, shard) => {
        let next: Record<string, unknown> | undefined;
        do {
          const page = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: index,
              KeyConditionExpression: '#pk = :pk AND #sk < :now',
              ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
              ExpressionAttributeValues: { ':pk': pkOf(shard), ':now': now.toISOString() },
              Limit: limit,
              ...(next ? { ExclusiveStartKey: next } : {}),
            }),
          );
          for (const item of page.Items ?? []) {
            found.push({
              leadId: idFromSortKey(String(item[skName])),
              partnerId: String(item.partnerId),
              respondBy: String(item.respondBy),
            });
          }
          next = page.LastEvaluatedKey;
        } while (next && found.length < limit);
      }),
    );
    return found.slice(0, limit);
  }

  /**
   * Marks a received lead's reminder as due, once: the change itself is the event the notifier
   * emails from. False when the lead was answered, has expired, or was already reminded.
   */
  async markReminded(leadId: string, partnerId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'SET remindedAt = :now REMOVE gsi4pk, gsi4sk',
          ConditionExpression:
            'partnerId = :partner AND stage = :received AND respondBy > :now AND attribute_not_exists(remindedAt)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':partner': partnerId,
            ':received': 'received',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async setFavorite(leadId: string, partnerId: string, userSub: string, favorite: boolean): Promise<void> {
    const mark = favoriteKey(leadId, userSub);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: leadKey(leadId),
                UpdateExpression: `${favorite ? 'ADD' : 'DELETE'} favoritedBy :user`,
                ConditionExpression: 'attribute_exists(pk) AND partnerId = :partner',
                ExpressionAttributeValues: { ':user': new Set([userSub]), ':partner': partnerId },
              },
            },
            favorite
              ? {
                  Put: {
                    TableName: this.tableName,
                    Item: {
                      ...mark,
                      entity: 'favorite',
                      leadId,
                      gsi1pk: favoritesPk(partnerId, userSub),
                      gsi1sk: leadId,
                    },
                  },
                }
              : { Delete: { TableName: this.tableName, Key: mark } },
          ],
        }),
      );
    } catch (error) {
      const refused =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (refused) throw new LeadNotFoundError();
      throw error;
    }
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
      const source = this.querySource(
        'gsi5',
        'gsi5pk',
        partnerAllPk(query.partnerId),
        'gsi5sk',
        '',
        fromItem,
        filter,
      );
      return this.merge([source], query.before, query.limit);
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
    const sources: Source<Lead>[] = [];
    for (const tab of query.tab ? [query.tab] : tabs) {
      for (const { pk, filter } of partitions) {
        sources.push(
          this.querySource('gsi1', 'gsi1pk', pk, 'gsi1sk', partnerTabPrefix(tab), fromItem, filter),
        );
      }
    }
    return this.merge(sources, query.before, query.limit);
  }

  listForSender(query: { senderId: string; before?: string; limit: number }): Promise<Page<Lead>> {
    const sources = Array.from({ length: SENT_SHARDS }, (_, shard) =>
      this.querySource('gsi2', 'gsi2pk', sentPk(query.senderId, shard), 'gsi2sk', '', fromItem),
    );
    return this.merge(sources, query.before, query.limit);
  }

  senderForClient(clientId: string): Promise<Sender | undefined> {
    return this.senders.byClient(clientId);
  }

  /** Registers a sender and links its OAuth client id to it. */
  async registerSender(sender: Sender, clientId: string): Promise<void> {
    const record = { entity: 'sender', ...sender, clientId };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...senderKey(sender.id), ...record } } },
          { Put: { TableName: this.tableName, Item: { ...clientKey(clientId), ...record } } },
        ],
      }),
    );
  }

  private async merge(
    sources: Source<Lead>[],
    before: string | undefined,
    limit: number,
  ): Promise<Page<Lead>> {
    const page = await mergeNewestFirst(sources, before, limit);
    return { items: page.items, ...(page.next ? { next: page.next } : {}) };
  }

  private querySource<T>(
    index: string,
    pkName: string,
    pk: string,
    skName: string,
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
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range}`,
          ...(filter ? { FilterExpression: filter.expression } : {}),
          ExpressionAttributeNames: { '#pk': pkName, ...(range ? { '#sk': skName } : {}), ...filter?.names },
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: pageSize,
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      const last = result.LastEvaluatedKey;
      return {
        items: (result.Items ?? []).map((item) => ({
          id: idFromSortKey(String(item[skName])),
          value: map(item),
        })),
        ...(last ? { next: last, frontier: idFromSortKey(String(last[skName])) } : {}),
      };
    };
  }

  private async listFavorites(query: PartnerListQuery): Promise<Page<Lead>> {
    const pk = favoritesPk(query.partnerId, query.userSub);
    const marks = this.querySource('gsi1', 'gsi1pk', pk, 'gsi1sk', '', (item) => String(item.leadId));
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
    return this.merge([source], query.before, query.limit);
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
