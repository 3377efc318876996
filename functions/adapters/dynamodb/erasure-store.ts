/**
 * Erasure in the table: a customer's leads through their CUSTOMER# links (platform-wide, keyed by
 * a hash of the address), the leads due for retention erasure through the sparse dueForErasure
 * index, and per lead one read and one UpdateItem, conditional on its version, that writes the
 * tombstone the domain computes. The lead's copies in the byPartnerStage, byPartner and bySender
 * indexes follow the item; erasure removes its keys on openByCustomer (the duplicates index, which holds the address or its domain) and
 * dueForErasure, and the decline email's exactly-once marker names the customer's address: it is
 * overwritten too. No version bump: nothing a partner did changed, and the insights and search
 * consumers only count version changes.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ERASED_EMAIL, type ErasureStore, erased, type LeadErasure } from '../../domain/erasure.js';
import { markerKey } from './delivery-markers.js';
import { queryDueShards } from './due-shards.js';
import { Expression } from './expression.js';
import {
  customerLinkKey,
  customerPk,
  erasableAttributes,
  erasurePk,
  idFromSortKey,
  leadKey,
  webhookEventPk,
} from './keys.js';
import { fromItem } from './lead-items.js';
import { indexes } from './table-definition.js';

/** A link outlives its erasure until DynamoDB's TTL process removes it (usually within two days). */
const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async leadsOfCustomer(email: string): Promise<string[]> {
    const ids: string[] = [];
    let next: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lead)',
          ExpressionAttributeValues: { ':pk': customerPk(email), ':lead': 'LEAD#' },
          ProjectionExpression: 'leadId',
          ConsistentRead: true,
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.leadId));
      next = page.LastEvaluatedKey;
    } while (next);
    return ids;
  }

  dueForErasure(before: Date, limit: number): Promise<string[]> {
    const index = indexes.dueForErasure;
    return queryDueShards(this.db, {
      tableName: this.tableName,
      index,
      pkOf: erasurePk,
      before,
      limit,
      read: (item) => idFromSortKey(String(item[index.sortKey])),
    });
  }

  async eraseLead(leadId: string, at: Date): Promise<LeadErasure | undefined> {
    // Read, compute the tombstone in the domain, write it if the lead has not changed meanwhile.
    for (let attempt = 0; ; attempt++) {
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: leadKey(leadId), ConsistentRead: true }),
      );
      if (Item?.entity !== 'lead') return undefined;
      const before = fromItem(Item);
      const after = erased(before, at.toISOString());
      const x = new Expression();
      const sets = (['customer', 'need', 'deal', 'decline', 'closed', 'erasedAt'] as const).map(
        (field) => `${x.name(field)} = ${x.value(after[field] ?? null)}`,
      );
      const removes = erasableAttributes.filter((a) => a in Item).map((a) => x.name(a));
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: leadKey(leadId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
            // No version bump (nothing a partner did changed), but no lost update either.
            ConditionExpression: `attribute_exists(pk) AND ${x.name('version')} = ${x.value(before.version)}`,
            ...x.attributes(),
          }),
        );
      } catch (error) {
        // The partner changed the lead between the read and the write: read it again.
        if (error instanceof ConditionalCheckFailedException && attempt < 4) continue;
        throw error;
      }
      await this.eraseDeclineMarker(leadId);
      await this.eraseWebhookEvents(before.partnerId, leadId, before.receivedAt, at);
      return {
        leadId,
        erasedNow: before.erasedAt === undefined,
        ...(before.customer.email !== ERASED_EMAIL ? { formerEmail: before.customer.email } : {}),
      };
    }
  }

  /**
   * The partner's 7-day webhook event log holds each version's signed body (the partner view,
   * customer included), which a retry or a replay would send again: the bodies go. A delivery of an
   * event without a body ends as stale, so nothing of the customer leaves again. The lead's events
   * are found by a Query on the partner's log from the lead's receipt on (a lead has no events
   * before it), filtered to the lead: at most seven days of one partner's events.
   */
  private async eraseWebhookEvents(partnerId: string, leadId: string, receivedAt: string, at: Date) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          FilterExpression: 'leadId = :lead AND attribute_exists(body)',
          ProjectionExpression: 'pk, sk',
          ExpressionAttributeValues: {
            ':pk': webhookEventPk(partnerId),
            ':since': receivedAt,
            ':lead': leadId,
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'REMOVE body SET erasedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The decline email went to the customer: its exactly-once marker names the address. */
  private async eraseDeclineMarker(leadId: string) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey({ type: 'lead', leadId, kind: 'lead-declined' }),
          UpdateExpression: 'SET recipients = :erased',
          ConditionExpression: 'attribute_exists(recipients)',
          ExpressionAttributeValues: { ':erased': [ERASED_EMAIL] },
        }),
      );
    } catch (error) {
      // No decline email was sent (or none recorded its recipients): nothing to erase.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async expireLinks(email: string, leadIds: string[], at: Date): Promise<void> {
    for (const leadId of leadIds) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: customerLinkKey(email, leadId),
            UpdateExpression: 'SET expiresAt = if_not_exists(expiresAt, :now)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': epochSeconds(at) },
          }),
        );
      } catch (error) {
        // No link (a lead from before links existed): nothing to expire.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
}
