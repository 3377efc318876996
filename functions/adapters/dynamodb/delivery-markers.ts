/**
 * The exactly-once markers of emails: one small item per email key, reserved before sending and
 * confirmed after. Small items in partitions of their own (`EMAIL#…`) rather than attributes of
 * the lead: a write on the lead item would also rewrite its copies in three ALL-projected indexes
 * and wake every stream consumer, and the email sender's IAM policy can be held to these keys.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DeliveryMarkers, SentEmail } from '../../domain/email-delivery.js';
import type { EmailKey } from '../../domain/email-message.js';
import { EMAIL_MARKER_PREFIX, emailMarkerKey } from './keys.js';
import { plain } from './lead-items.js';

/** A reservation older than this was left by a sender that died mid-send; it may be taken over. */
const STALE_RESERVATION_MS = 5 * 60_000;

export const markerKey = (key: EmailKey) =>
  emailMarkerKey(key.type === 'lead' ? `${key.leadId}#${key.kind}` : `confirmation#${key.requestId}`);

/** The partition-key prefix every marker has (the email sender's IAM condition). */
export { EMAIL_MARKER_PREFIX };

export class DynamoDeliveryMarkers implements DeliveryMarkers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(key: EmailKey, now: Date): Promise<'reserved' | 'sent' | 'busy'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...markerKey(key), entity: 'notification', state: 'sending', reservedAt: now.getTime() },
          // Free, given back after a failed send, or left by a sender that died mid-send.
          ConditionExpression:
            'attribute_not_exists(pk) OR #state = :released OR (#state = :sending AND reservedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':released': 'released',
            ':stale': now.getTime() - STALE_RESERVATION_MS,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'reserved';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return plain(error.Item)?.state === 'sent' ? 'sent' : 'busy';
    }
  }

  /** Confirms sent emails, 25 to a BatchWriteItem: the reservation items are replaced by `sent` ones. */
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

  /** Gives a reservation back after a failed send: an update, so the sender never needs DeleteItem. */
  async release(key: EmailKey) {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: markerKey(key),
          UpdateExpression: 'SET #state = :released',
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':released': 'released' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
