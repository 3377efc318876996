/**
 * Registered senders: looked up by OAuth client id (every sender call) or by sender id (expiry
 * emails), and registered with their client id. Senders change rarely and a burst of calls names
 * few of them, so each lookup is kept a minute.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Sender, senderSchema } from '../../domain/lead.js';
import { clientKey, senderKey } from './keys.js';

const CACHE_MS = 60_000;
/** A miss is kept briefly: a sender onboarded a moment ago (npm run sender) is not refused for a minute. */
const MISS_CACHE_MS = 5_000;

export class SenderDirectory {
  private readonly cache = new Map<string, { sender: Sender | undefined; until: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  byClient(clientId: string): Promise<Sender | undefined> {
    return this.read(clientKey(clientId));
  }

  byId(senderId: string): Promise<Sender | undefined> {
    return this.read(senderKey(senderId));
  }

  /**
   * Registers a sender (or updates its name and address) and links an OAuth client id to it. The
   * first registration's time is kept: the sender's lead list reaches back to it.
   */
  async register(sender: Omit<Sender, 'registeredAt'>, clientId: string, now = new Date()): Promise<Sender> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: senderKey(sender.id),
        UpdateExpression:
          'SET #entity = :entity, #id = :id, #kind = :kind, #name = :name, #email = :email, #at = if_not_exists(#at, :now)',
        // Every name aliased: some (name) are DynamoDB reserved words.
        ExpressionAttributeNames: {
          '#entity': 'entity',
          '#id': 'id',
          '#kind': 'kind',
          '#name': 'name',
          '#email': 'notificationEmail',
          '#at': 'registeredAt',
        },
        ExpressionAttributeValues: {
          ':entity': 'sender',
          ':id': sender.id,
          ':kind': sender.kind,
          ':name': sender.name,
          ':email': sender.notificationEmail,
          ':now': now.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const registered = senderSchema.parse(Attributes);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...clientKey(clientId), entity: 'sender', ...registered, clientId },
      }),
    );
    this.cache.delete(senderKey(sender.id).pk);
    this.cache.delete(clientKey(clientId).pk);
    return registered;
  }

  private async read(key: { pk: string; sk: string }): Promise<Sender | undefined> {
    const cached = this.cache.get(key.pk);
    if (cached && cached.until > Date.now()) return cached.sender;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    const sender = Item ? senderSchema.parse(Item) : undefined;
    this.cache.set(key.pk, { sender, until: Date.now() + (sender ? CACHE_MS : MISS_CACHE_MS) });
    return sender;
  }
}
