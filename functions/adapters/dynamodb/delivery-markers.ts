/**
 * The exactly-once markers of emails: one small item per email key, reserved before sending and
 * confirmed after. Small items rather than attributes of the lead: a write on the lead item would
 * also rewrite its copies in three ALL-projected indexes and wake every stream consumer.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryMarkers } from '../../domain/email-delivery.js';
import type { EmailKey } from '../../domain/email-message.js';
import { confirmationNotifiedKey, notifiedKey } from './keys.js';

/** A reservation older than this was left by a sender that died mid-send; it may be taken over. */
const STALE_RESERVATION_MS = 5 * 60_000;

export const markerKey = (key: EmailKey) =>
  key.type === 'lead' ? notifiedKey(key.leadId, key.kind) : confirmationNotifiedKey(key.requestId);

export class DynamoDeliveryMarkers implements DeliveryMarkers {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(key: EmailKey, now: Date): Promise<boolean> {
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
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async confirm(key: EmailKey, detail: { recipients: number; messageId: string; at: Date }) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: markerKey(key),
        UpdateExpression: 'SET #state = :sent, recipients = :n, messageId = :m, sentAt = :at',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':n': detail.recipients,
          ':m': detail.messageId,
          ':at': detail.at.toISOString(),
        },
      }),
    );
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
