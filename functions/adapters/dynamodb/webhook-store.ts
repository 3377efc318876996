/**
 * Webhook subscriptions, their 7-day event log and their deliveries in the single table (keys in
 * keys.ts). Every change is a conditional write: a subscription on its version (and the partner's
 * counter for the limit of 10), a delivery on its round, an event on not existing yet.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AttemptContext, StoredEvent, WebhookStore } from '../../domain/webhook-service.js';
import {
  type Delivery,
  type DeliveryMessage,
  deliverySchema,
  MAX_SUBSCRIPTIONS,
  RETENTION_MS,
  type Subscription,
  SubscriptionLimitError,
  SubscriptionNotFoundError,
  subscriptionSchema,
} from '../../domain/webhooks.js';
import {
  WEBHOOK_PREFIX,
  webhookCounterKey,
  webhookDeliveryKey,
  webhookDeliveryPk,
  webhookEventKey,
  webhookEventPk,
  webhookKey,
} from './keys.js';

/** TransactWriteItems takes up to 100 actions; a batch of attempts is 10. */
const MAX_GROUP = 25;

/** One conditional update of a delivery: an UpdateItem on its own, or an action of a transaction. */
interface DeliveryUpdate {
  TableName: string;
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}
/** A change's event and deliveries, waiting to share a transaction with other changes of its batch. */
interface PendingCreate {
  puts: ConditionalPut[];
  resolve: (created: boolean) => void;
  reject: (error: unknown) => void;
}
interface ConditionalPut {
  Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string };
}
/** TransactWriteItems takes up to 100 actions. */
const MAX_ACTIONS = 100;

interface PendingSave {
  update: DeliveryUpdate;
  resolve: (saved: boolean) => void;
  reject: (error: unknown) => void;
}

const strip = (item: Record<string, unknown>) => {
  const { pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...rest } = item;
  return rest;
};
const subscriptionOf = (item: Record<string, unknown>) => subscriptionSchema.parse(strip(item));
const deliveryOf = (item: Record<string, unknown>) => deliverySchema.parse(strip(item));
const expiresAt = (from: Date) => Math.floor((from.getTime() + RETENTION_MS) / 1000);

/** A stored event and a delivery as items: their keys, and TTL seven days after they began. */
const eventItem = (event: StoredEvent) => ({
  ...webhookEventKey(event.partnerId, event.key),
  entity: 'webhook-event',
  ...event,
  expiresAt: expiresAt(new Date(event.timestamp)),
});
const deliveryItem = (delivery: Delivery) => ({
  ...webhookDeliveryKey(delivery.subscriptionId, delivery.id),
  entity: 'webhook-delivery',
  ...delivery,
  expiresAt: expiresAt(new Date(delivery.createdAt)),
});

export class DynamoWebhookStore implements WebhookStore {
  private pendingSaves: PendingSave[] = [];
  private pendingCreates: PendingCreate[] = [];
  private pendingActions = 0;
  private createTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a delivery save waits for others to share its write (0: none). */
    private readonly coalesceMs = 0,
  ) {}

  async subscriptions(partnerId: string): Promise<Subscription[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        // Deleted ones wait for TTL as tombstones.
        FilterExpression: 'attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: { ':pk': webhookKey(partnerId, '').pk, ':prefix': WEBHOOK_PREFIX },
        // At most 10 small items: one page.
      }),
    );
    return (Items ?? []).map(subscriptionOf);
  }

  async subscription(partnerId: string, id: string): Promise<Subscription | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: webhookKey(partnerId, id) }),
    );
    return Item && Item.deletedAt === undefined ? subscriptionOf(Item) : undefined;
  }

  async create(subscription: Subscription): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: webhookCounterKey(subscription.partnerId),
                UpdateExpression: 'ADD #count :one SET entity = :entity',
                ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':max': MAX_SUBSCRIPTIONS,
                  ':entity': 'webhook-count',
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...webhookKey(subscription.partnerId, subscription.id),
                  entity: 'webhook',
                  ...subscription,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new SubscriptionLimitError();
      throw error;
    }
  }

  async replace(subscription: Subscription, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...webhookKey(subscription.partnerId, subscription.id),
            entity: 'webhook',
            ...subscription,
          },
          ConditionExpression: '#version = :expected AND attribute_not_exists(deletedAt)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      // Deleted meanwhile, or changed by another request: either way, not the one the caller read.
      if (error instanceof ConditionalCheckFailedException) throw new SubscriptionNotFoundError();
      throw error;
    }
  }

  /**
   * Deletes a subscription as a tombstone: marked deleted and disabled now (reads and deliveries
   * treat it as gone), removed by TTL after the 7 days its deliveries are kept. No function deletes
   * an item (SPEC §11); the partner's counter drops in the same transaction.
   */
  async remove(partnerId: string, id: string, now = new Date()): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: webhookKey(partnerId, id),
                UpdateExpression: 'SET deletedAt = :now, enabled = :false, expiresAt = :expires',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
                ExpressionAttributeValues: {
                  ':now': now.toISOString(),
                  ':false': false,
                  ':expires': expiresAt(now),
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: webhookCounterKey(partnerId),
                UpdateExpression: 'ADD #count :minus',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new SubscriptionNotFoundError();
      throw error;
    }
  }

  async putEvent(event: StoredEvent): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventItem(event),
          // The same lead version is the same event: a redelivered stream record keeps the first.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  createEventWithDeliveries(event: StoredEvent & { body: string }, deliveries: Delivery[]): Promise<boolean> {
    const put = (Item: Record<string, unknown>): ConditionalPut => ({
      Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const puts = [put(eventItem(event)), ...deliveries.map((delivery) => put(deliveryItem(delivery)))];
    if (this.coalesceMs === 0) return this.createOne(puts);
    // The changes of one stream batch are fanned out side by side: up to 100 actions share one
    // transaction (DynamoDB bills and checks them alike, and it is one request instead of ~25).
    return new Promise((resolve, reject) => {
      this.pendingCreates.push({ puts, resolve, reject });
      this.pendingActions += puts.length;
      if (this.pendingActions >= MAX_ACTIONS) void this.flushCreates();
      else this.createTimer ??= setTimeout(() => void this.flushCreates(), this.coalesceMs);
    });
  }

  private async createOne(puts: ConditionalPut[]): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: puts }));
      return true;
    } catch (error) {
      // Only an item that exists already cancels it; anything else is a failure of the record.
      if (
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
      )
        return false;
      throw error;
    }
  }

  private async flushCreates(): Promise<void> {
    clearTimeout(this.createTimer);
    this.createTimer = undefined;
    const pending = this.pendingCreates.splice(0);
    this.pendingActions = 0;
    const groups: PendingCreate[][] = [];
    let actions = MAX_ACTIONS;
    for (const create of pending) {
      if (actions + create.puts.length > MAX_ACTIONS) {
        groups.push([]);
        actions = 0;
      }
      groups.at(-1)?.push(create);
      actions += create.puts.length;
    }
    await Promise.all(groups.map((group) => this.createGroup(group)));
  }

  private async createGroup(group: PendingCreate[]): Promise<void> {
    const one = (create: PendingCreate) => this.createOne(create.puts).then(create.resolve, create.reject);
    if (group.length === 1) return one(group[0]!);
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: group.flatMap((c) => c.puts) }));
      for (const create of group) create.resolve(true);
    } catch (error) {
      // Nothing of the group was written. A change with an item that exists already is answered
      // (it is taken one by one upstream); the others (all of them, after any other refusal) go alone.
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      let offset = 0;
      await Promise.all(
        group.map((create) => {
          const own = reasons.slice(offset, offset + create.puts.length);
          offset += create.puts.length;
          return own.some((r) => r.Code === 'ConditionalCheckFailed') ? create.resolve(false) : one(create);
        }),
      );
    }
  }

  async eventsSince(partnerId: string, since: string, until: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
          ExpressionAttributeValues: { ':pk': webhookEventPk(partnerId), ':since': since, ':until': until },
          ProjectionExpression: 'partnerId, #key, #type, #timestamp, leadId',
          ExpressionAttributeNames: { '#key': 'key', '#type': 'type', '#timestamp': 'timestamp' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) events.push(item as StoredEvent);
      start = page.LastEvaluatedKey;
    } while (start);
    return events;
  }

  async createDelivery(delivery: Delivery): Promise<{ created: boolean; current: Delivery }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: deliveryItem(delivery),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true, current: delivery };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        const { unmarshall } = await import('@aws-sdk/util-dynamodb');
        return { created: false, current: deliveryOf(unmarshall(error.Item)) };
      }
      throw error;
    }
  }

  async delivery(subscriptionId: string, id: string): Promise<Delivery | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: webhookDeliveryKey(subscriptionId, id) }),
    );
    return Item ? deliveryOf(Item) : undefined;
  }

  async deliveries(subscriptionId: string, limit: number, before?: string) {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': webhookDeliveryPk(subscriptionId),
          ...(before ? { ':before': before } : {}),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = (Items ?? []).map(deliveryOf);
    return { items, ...(LastEvaluatedKey && items.length > 0 ? { next: items.at(-1)!.id } : {}) };
  }

  /**
   * Saves an attempt's outcome, conditional on the round and step it read (another copy of the
   * message, or a retry asked for meanwhile, may have got there first: then its record stands).
   * Saves asked for within `coalesceMs` of each other (the side-by-side attempts of one batch) go
   * in one TransactWriteItems of up to 25; a refused group is taken apart, each save on its own.
   */
  saveDelivery(delivery: Delivery, expectedRound: number, expectedStep: number): Promise<boolean> {
    const update = this.deliveryUpdate(delivery, expectedRound, expectedStep);
    if (this.coalesceMs === 0) return this.saveOne(update);
    return new Promise((resolve, reject) => {
      this.pendingSaves.push({ update, resolve, reject });
      if (this.pendingSaves.length >= MAX_GROUP) void this.flushSaves();
      else this.saveTimer ??= setTimeout(() => void this.flushSaves(), this.coalesceMs);
    });
  }

  private deliveryUpdate(delivery: Delivery, expectedRound: number, expectedStep: number): DeliveryUpdate {
    return {
      TableName: this.tableName,
      Key: webhookDeliveryKey(delivery.subscriptionId, delivery.id),
      UpdateExpression:
        'SET #status = :status, attempts = :attempts, nextAttemptAt = :next, step = :step, round = :round',
      ConditionExpression: 'round = :expectedRound AND step = :expectedStep',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': delivery.status,
        ':attempts': delivery.attempts,
        ':next': delivery.nextAttemptAt,
        ':step': delivery.step,
        ':round': delivery.round,
        ':expectedRound': expectedRound,
        ':expectedStep': expectedStep,
      },
    };
  }

  private async saveOne(update: DeliveryUpdate): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(update));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async flushSaves(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const group = this.pendingSaves.splice(0);
    const one = (save: PendingSave) => this.saveOne(save.update).then(save.resolve, save.reject);
    if (group.length === 1) return one(group[0]!);
    try {
      await this.db.send(
        new TransactWriteCommand({ TransactItems: group.map((g) => ({ Update: g.update })) }),
      );
      for (const save of group) save.resolve(true);
    } catch (error) {
      // Nothing of the group was written. A save whose own condition failed is answered; the
      // others (and every save, after any other refusal: the same delivery twice, a conflict) go one by one.
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      await Promise.all(
        group.map((save, i) =>
          reasons[i]?.Code === 'ConditionalCheckFailed' ? save.resolve(false) : one(save),
        ),
      );
    }
  }

  async setFailingSince(partnerId: string, id: string, since: string | null): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKey(partnerId, id),
          UpdateExpression: 'SET failingSince = :since',
          // Only the first failure of a run sets it, only a success clears it; a deleted one stays deleted.
          ConditionExpression:
            since === null
              ? 'attribute_exists(pk) AND NOT attribute_type(failingSince, :null)'
              : 'attribute_exists(pk) AND attribute_type(failingSince, :null)',
          ExpressionAttributeValues: { ':since': since, ':null': 'NULL' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async disable(partnerId: string, id: string, reason: 'gone' | 'failing', now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookKey(partnerId, id),
          UpdateExpression:
            'SET enabled = :false, disabledReason = :reason, updatedAt = :now, #version = #version + :one',
          ConditionExpression: 'enabled = :true',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':false': false,
            ':true': true,
            ':reason': reason,
            ':now': now.toISOString(),
            ':one': 1,
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
   * What the attempts of a batch of messages need, in one BatchGetItem (retried for unprocessed
   * keys): each message's subscription, delivery and stored event, keyed by delivery id.
   */
  async attemptContexts(messages: readonly DeliveryMessage[]): Promise<Map<string, AttemptContext>> {
    const keysOf = (m: DeliveryMessage) => [
      webhookKey(m.partnerId, m.subscriptionId),
      webhookDeliveryKey(m.subscriptionId, m.deliveryId),
      webhookEventKey(m.partnerId, m.eventKey),
    ];
    const id = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;
    const unique = new Map(messages.flatMap(keysOf).map((key) => [id(key), key]));
    const found = new Map<string, Record<string, unknown>>();
    const keys = [...unique.values()];
    // BatchGetItem takes at most 100 keys.
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.tableName]: { Keys: keys.slice(i, i + 100) },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? [])
          found.set(`${String(item.pk)}|${String(item.sk)}`, item);
        request = result.UnprocessedKeys as typeof request;
      }
    }
    const contexts = new Map<string, AttemptContext>();
    for (const message of messages) {
      const [subscription, delivery, event] = keysOf(message).map((key) => found.get(id(key)));
      contexts.set(message.deliveryId, {
        ...(subscription && subscription.deletedAt === undefined
          ? { subscription: subscriptionOf(subscription) }
          : {}),
        ...(delivery ? { delivery: deliveryOf(delivery) } : {}),
        ...(event ? { body: String(event.body) } : {}),
      });
    }
    return contexts;
  }
}
