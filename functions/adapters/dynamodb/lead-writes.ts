/**
 * The write path of leads: intake atomic with its expiry timer and idempotency record, one
 * conditional UpdateItem per planned change, the reminder mark, and favorites.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  LeadNotFoundError,
} from '../../domain/errors.js';
import type { Lead } from '../../domain/lead.js';
import { type Change, explainRefusal } from '../../domain/lifecycle.js';
import type { IdempotentRequest } from '../../domain/ports.js';
import { Expression } from './expression.js';
import {
  customerLinkKey,
  erasureIndexKeys,
  favoriteIndexKeys,
  favoriteKey,
  idempotencyKey,
  leadKey,
  openOnlyAttributes,
  partnerStagePk,
  receivedOnlyAttributes,
  timerKey,
} from './keys.js';
import { fromItem, type Item, plain, toItem } from './lead-items.js';
import { indexes } from './table-definition.js';

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * What intake stores for a new lead besides its idempotency record: the lead, its TTL expiry
 * timer and its customer link (the bench writes these same items in bulk).
 */
export function newLeadItems(lead: Lead): [lead: Item, timer: Item, customerLink: Item] {
  return [
    toItem(lead),
    {
      ...timerKey(lead.id),
      entity: 'timer',
      leadId: lead.id,
      partnerId: lead.partnerId,
      respondBy: lead.respondBy,
      expiresAt: epochSeconds(lead.respondBy),
    },
    {
      ...customerLinkKey(lead.customer.email, lead.id),
      entity: 'customer-link',
      leadId: lead.id,
      partnerId: lead.partnerId,
    },
  ];
}

export class LeadWrites {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Reads the lead an idempotent replay returns (consistently). */
    private readonly read: (leadId: string) => Promise<Lead | undefined>,
  ) {}

  /** Puts a new lead, its TTL expiry timer and (if any) its idempotency record in one transaction. */
  async create(lead: Lead, idempotent?: IdempotentRequest): Promise<{ lead: Lead; replayed: boolean }> {
    const nowSeconds = epochSeconds(lead.receivedAt);
    const [leadItem, timer, customerLink] = newLeadItems(lead);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: leadItem,
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.tableName, Item: timer } },
    ];
    if (idempotent) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(idempotent.senderId, idempotent.key),
            entity: 'idempotency',
            fingerprint: idempotent.fingerprint,
            leadId: lead.id,
            expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired record TTL has not deleted yet no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    // Last, so the idempotency record keeps its place (the replay reads its cancellation reason).
    items.push({ Put: { TableName: this.tableName, Item: customerLink } });
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { lead, replayed: false };
    } catch (error) {
      if (!idempotent || !(error instanceof TransactionCanceledException)) throw error;
      return this.replay(idempotent, error);
    }
  }

  /** The original lead of a reused Idempotency-Key, or why there is none to return. */
  private async replay(idempotent: IdempotentRequest, error: TransactionCanceledException) {
    const reason = error.CancellationReasons?.[2];
    let previous: Item | undefined =
      reason?.Code === 'ConditionalCheckFailed' ? plain(reason.Item) : undefined;
    if (!previous && reason?.Code === 'TransactionConflict') {
      // Two requests with one key at once: whoever committed first owns it.
      const read = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: idempotencyKey(idempotent.senderId, idempotent.key),
          ConsistentRead: true,
        }),
      );
      previous = read.Item;
      if (!previous) throw new IdempotencyInProgressError();
    }
    if (!previous) throw error;
    if (previous.fingerprint !== idempotent.fingerprint) throw new IdempotencyKeyReusedError();
    const original = await this.read(String(previous.leadId));
    if (!original) throw new IdempotencyInProgressError();
    return { lead: original, replayed: true };
  }

  /** A planned change as one conditional UpdateItem; a refusal is explained from the old item. */
  async apply(change: Change): Promise<Lead> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          ...this.update(change),
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

  /**
   * The same conditional UpdateItem, with nothing read back: for a caller that only needs to know
   * whether the guard let it through (the expiry paths), neither the new lead nor the old one on a
   * refusal crosses the wire or is parsed.
   */
  async applyIfAllowed(change: Change): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(this.update(change)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The UpdateItem of a planned change: its writes, and its guard as the condition. */
  private update(change: Change) {
    const x = new Expression();
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [attribute, v] of Object.entries(change.set))
      sets.push(`${x.name(attribute)} = ${x.value(v)}`);
    for (const [field, v] of Object.entries(change.dealSet))
      sets.push(`${x.name('deal')}.${x.name(field)} = ${x.value(v)}`);
    for (const field of change.dealRemove) removes.push(`${x.name('deal')}.${x.name(field)}`);
    if (change.appendContacts.length > 0) {
      sets.push(
        `${x.name('contacts')} = list_append(${x.name('contacts')}, ${x.value(change.appendContacts)})`,
      );
    }
    sets.push(`${x.name('history')} = list_append(${x.name('history')}, ${x.value([change.history])})`);
    sets.push(`${x.name('version')} = ${x.name('version')} + ${x.value(1)}`);
    const stage = change.set.stage;
    if (stage !== undefined && stage !== change.guard.stage) {
      // The lead moves to another stage partition; leaving `received` takes it off both sparse indexes.
      const stagePk = partnerStagePk(change.guard.partnerId ?? '', stage);
      sets.push(`${x.name(indexes.byPartnerStage.partitionKey)} = ${x.value(stagePk)}`);
      if (change.guard.stage === 'received') removes.push(...receivedOnlyAttributes.map((a) => x.name(a)));
      if (stage === 'archived') {
        removes.push(...openOnlyAttributes.map((a) => x.name(a)));
        // From now on the lead waits for its retention erasure (PII_RETENTION after archiving).
        const archivedAt = change.set.archivedAt;
        if (archivedAt) {
          for (const [attribute, value] of Object.entries(erasureIndexKeys(change.leadId, archivedAt)))
            sets.push(`${x.name(attribute)} = ${x.value(value)}`);
        }
      }
    }

    const { guard } = change;
    const conditions = ['attribute_exists(pk)', `${x.name('stage')} = ${x.value(guard.stage)}`];
    if (guard.partnerId !== undefined)
      conditions.push(`${x.name('partnerId')} = ${x.value(guard.partnerId)}`);
    if (guard.openAt !== undefined) conditions.push(`${x.name('respondBy')} > ${x.value(guard.openAt)}`);
    if (guard.closedAt !== undefined) conditions.push(`${x.name('respondBy')} <= ${x.value(guard.closedAt)}`);
    if (guard.versions !== undefined) {
      // An If-Match that names no strong ETag can never match: a condition that never holds.
      conditions.push(
        guard.versions.length > 0
          ? `${x.name('version')} IN (${guard.versions.map((v) => x.value(v)).join(', ')})`
          : 'attribute_not_exists(pk)',
      );
    }
    if (guard.contactsAtMost !== undefined) {
      conditions.push(`size(${x.name('contacts')}) <= ${x.value(guard.contactsAtMost)}`);
    }
    if (guard.historyBelow !== undefined) {
      conditions.push(`size(${x.name('history')}) < ${x.value(guard.historyBelow)}`);
    }

    return {
      TableName: this.tableName,
      Key: leadKey(change.leadId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ...x.attributes(),
    };
  }

  /**
   * Asks for a received lead's reminder: the new `remindedAt` is the event the notifier emails from,
   * and the lead stays on the reminder index, due again at `recheckAt`, until the reminder is
   * settled. Bookkeeping, not a change of the lead: the version stays. False when the lead was
   * answered or has expired (the transition took it off the index).
   */
  async markReminded(leadId: string, partnerId: string, now: Date, recheckAt: Date): Promise<boolean> {
    const reminder = indexes.dueForReminder;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'SET remindedAt = :now, #rsk = :recheck',
          ConditionExpression:
            'partnerId = :partner AND stage = :received AND respondBy > :now AND attribute_exists(#rpk)',
          ExpressionAttributeNames: { '#rpk': reminder.partitionKey, '#rsk': reminder.sortKey },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':recheck': `${recheckAt.toISOString()}#${leadId}`,
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

  /** Takes a lead off the reminder index once its reminder is settled (a no-op if it already left). */
  async clearReminder(leadId: string): Promise<void> {
    const reminder = indexes.dueForReminder;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: 'REMOVE #rpk, #rsk',
          ConditionExpression: 'attribute_exists(#rpk)',
          ExpressionAttributeNames: { '#rpk': reminder.partitionKey, '#rsk': reminder.sortKey },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Adds or removes a user's favorite: the set on the lead and the mark its favorites list reads, together. */
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
                      ...favoriteIndexKeys(partnerId, userSub, leadId),
                    },
                  },
                }
              : // Not a Delete: no HTTP function may delete (least privilege, SPEC §11). The mark
                // stays, without the index keys that put it in the user's favorites list.
                {
                  Update: {
                    TableName: this.tableName,
                    Key: mark,
                    UpdateExpression: `SET entity = :favorite, leadId = :lead REMOVE ${Object.keys(
                      favoriteIndexKeys(partnerId, userSub, leadId),
                    ).join(', ')}`,
                    ExpressionAttributeValues: { ':favorite': 'favorite', ':lead': leadId },
                  },
                },
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
}
