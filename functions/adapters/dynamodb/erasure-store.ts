/**
 * Erasure in the table: a customer's leads through their CUSTOMER# links (platform-wide, keyed by
 * a hash of the address), the leads due for retention erasure through the sparse dueForErasure
 * index, and one conditional UpdateItem per lead that overwrites its contact data. The lead's
 * copies in the byPartnerStage, byPartner and bySender indexes follow the item; erasure removes
 * its keys on openByCustomer (the duplicates index, which holds the address or its domain) and
 * dueForErasure, and the decline email's exactly-once marker names the customer's address: it is
 * overwritten too. No version bump: nothing a partner did changed, and the insights and search
 * consumers only count version changes.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ERASED, ERASED_EMAIL, type ErasureStore, type LeadErasure } from '../../domain/erasure.js';
import { markerKey } from './delivery-markers.js';
import { Expression } from './expression.js';
import {
  customerLinkKey,
  customerPk,
  DEADLINE_SHARDS,
  erasableAttributes,
  erasurePk,
  idFromSortKey,
  leadKey,
} from './keys.js';
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

  async dueForErasure(before: Date, limit: number): Promise<string[]> {
    const index = indexes.dueForErasure;
    const found: string[] = [];
    await Promise.all(
      Array.from({ length: DEADLINE_SHARDS }, async (_, shard) => {
        let next: Record<string, unknown> | undefined;
        do {
          const page = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: index.name,
              KeyConditionExpression: '#pk = :pk AND #sk < :before',
              ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
              ExpressionAttributeValues: { ':pk': erasurePk(shard), ':before': before.toISOString() },
              Limit: limit,
              ...(next ? { ExclusiveStartKey: next } : {}),
            }),
          );
          for (const item of page.Items ?? []) found.push(idFromSortKey(String(item[index.sortKey])));
          next = page.LastEvaluatedKey;
        } while (next && found.length < limit);
      }),
    );
    return found.slice(0, limit);
  }

  async eraseLead(leadId: string, at: Date): Promise<LeadErasure | undefined> {
    const x = new Expression();
    const customer = x.name('customer');
    const need = x.name('need');
    const erasedAt = x.name('erasedAt');
    const update = [
      `SET ${customer}.${x.name('contactName')} = ${x.value(ERASED)}`,
      `${customer}.${x.name('email')} = ${x.value(ERASED_EMAIL)}`,
      `${erasedAt} = if_not_exists(${erasedAt}, ${x.value(at.toISOString())})`,
    ].join(', ');
    const removes = [
      `${customer}.${x.name('phone')}`,
      `${need}.${x.name('description')}`,
      ...erasableAttributes.map((a) => x.name(a)),
    ];
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leadKey(leadId),
          UpdateExpression: `${update} REMOVE ${removes.join(', ')}`,
          // Only a lead: a link to a lead that does not exist creates nothing.
          ConditionExpression: `attribute_exists(pk) AND ${x.name('entity')} = ${x.value('lead')}`,
          ...x.attributes(),
          ReturnValues: 'ALL_OLD',
        }),
      );
      await this.eraseDeclineMarker(leadId);
      const before = Attributes ?? {};
      const formerEmail = (before.customer as { email?: unknown } | undefined)?.email;
      return {
        leadId,
        erasedNow: before.erasedAt === undefined,
        ...(typeof formerEmail === 'string' && formerEmail !== ERASED_EMAIL ? { formerEmail } : {}),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
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
