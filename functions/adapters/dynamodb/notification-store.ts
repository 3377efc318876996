/** Exactly-once markers for emails, and the lookups the notifier needs. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Sender } from '../../domain/lead.js';
import type { NotificationStore } from '../../domain/notification-service.js';
import type { NotificationKind } from '../../domain/notifications.js';
import type { Profile } from '../../domain/profile.js';
import { notifiedKey } from './keys.js';
import type { ProfileRepository } from './profile-repository.js';
import { SenderDirectory } from './sender-directory.js';

/** A reservation older than this was left by a sender that died mid-send; it may be taken over. */
const STALE_RESERVATION_MS = 5 * 60_000;

export class DynamoNotificationStore implements NotificationStore {
  private readonly senders: SenderDirectory;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly profiles: ProfileRepository,
  ) {
    this.senders = new SenderDirectory(db, tableName);
  }

  async reserve(leadId: string, kind: NotificationKind, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...notifiedKey(leadId, kind),
            entity: 'notification',
            state: 'sending',
            reservedAt: now.getTime(),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND reservedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
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

  async confirm(leadId: string, kind: NotificationKind, detail: { recipients: number; messageId?: string }) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notifiedKey(leadId, kind),
        UpdateExpression: 'SET #state = :sent, recipients = :n, messageId = :m',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':n': detail.recipients,
          ':m': detail.messageId ?? null,
        },
      }),
    );
  }

  async release(leadId: string, kind: NotificationKind) {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: notifiedKey(leadId, kind),
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    );
  }

  profile(partnerId: string): Promise<Profile | undefined> {
    return this.profiles.get(partnerId);
  }

  sender(senderId: string): Promise<Sender | undefined> {
    return this.senders.byId(senderId);
  }
}
