/**
 * The exactly-once markers of emails: one small item per email key, written when its email went
 * out (a batch at a time), read before sending (a batch at a time). Small items in partitions of their own (`EMAIL#…`) rather than attributes of
 * the lead: a write on the lead item would also rewrite its copies in three ALL-projected indexes
 * and wake every stream consumer, and the email sender's IAM policy can be held to these keys.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DeliveryMarkers, SentEmail } from '../../domain/email-delivery.js';
import { type EmailKey, emailKeyId } from '../../domain/email-message.js';
import { EMAIL_MARKER_PREFIX, emailMarkerKey } from './keys.js';

export function markerKey(key: EmailKey) {
  switch (key.type) {
    case 'lead':
      return emailMarkerKey(`${key.leadId}#${key.kind}`);
    case 'confirmation':
      return emailMarkerKey(`confirmation#${key.requestId}`);
    case 'webhook-disabled':
      return emailMarkerKey(`webhook#${key.subscriptionId}#${key.at}`);
  }
}

/** The partition-key prefix every marker has (the email sender's IAM condition). */
export { EMAIL_MARKER_PREFIX };

export class DynamoDeliveryMarkers implements DeliveryMarkers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async sent(keys: EmailKey[]): Promise<Set<string>> {
    const byPk = new Map(keys.map((key) => [markerKey(key).pk, emailKeyId(key)]));
    const sent = new Set<string>();
    let pending: Array<Record<string, unknown>> = [...new Set(keys.map((key) => markerKey(key).pk))].map(
      (pk) => ({
        pk,
        sk: 'EMAIL',
      }),
    );
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error('BatchGetItem kept leaving markers unprocessed');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const chunk = pending.slice(0, 100);
      const result = await this.db.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: chunk,
              ProjectionExpression: 'pk, #state',
              ExpressionAttributeNames: { '#state': 'state' },
            },
          },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        const id = byPk.get(String(item.pk));
        if (id && item.state === 'sent') sent.add(id);
      }
      pending = [...(result.UnprocessedKeys?.[this.tableName]?.Keys ?? []), ...pending.slice(100)];
    }
    return sent;
  }

  /** Records sent emails, 25 to a BatchWriteItem. */
  async confirm(sent: SentEmail[]): Promise<void> {
    for (let i = 0; i < sent.length; i += 25) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] =
        sent.slice(i, i + 25).map((email) => ({
          PutRequest: {
            Item: {
              ...markerKey(email.key),
              entity: 'notification',
              state: 'sent',
              recipients: email.recipients,
              messageId: email.messageId,
              sentAt: email.at.toISOString(),
            },
          },
        }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 5) throw new Error('BatchWriteItem kept leaving markers unprocessed');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  /** Records that an event needed no email (nobody may receive it), so nothing waits for one. */
  async settleWithoutEmail(key: EmailKey, now: Date): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...markerKey(key),
            entity: 'notification',
            state: 'no-recipients',
            settledAt: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Whether the email of this key went out (or was found to need no recipient). */
  async settled(key: EmailKey): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: markerKey(key),
        ProjectionExpression: '#state',
        ExpressionAttributeNames: { '#state': 'state' },
      }),
    );
    return Item?.state === 'sent' || Item?.state === 'no-recipients';
  }
}
