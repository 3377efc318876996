/**
 * Registered senders: looked up by OAuth client id (every sender call) or by sender id (expiry
 * emails), and registered with their client id. Senders change rarely and a burst of calls names
 * few of them, so each lookup is kept a minute.
 */
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Sender, senderSchema } from '../../domain/lead.js';
import { clientKey, senderKey } from './keys.js';

const CACHE_MS = 60_000;

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

  /** Registers a sender and links its OAuth client id to it, in one transaction. */
  async register(sender: Sender, clientId: string): Promise<void> {
    const record = { entity: 'sender', ...sender, clientId };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...senderKey(sender.id), ...record } } },
          { Put: { TableName: this.tableName, Item: { ...clientKey(clientId), ...record } } },
        ],
      }),
    );
    this.cache.delete(senderKey(sender.id).pk);
    this.cache.delete(clientKey(clientId).pk);
  }

  private async read(key: { pk: string; sk: string }): Promise<Sender | undefined> {
    const cached = this.cache.get(key.pk);
    if (cached && cached.until > Date.now()) return cached.sender;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    const sender = Item ? senderSchema.parse(Item) : undefined;
    this.cache.set(key.pk, { sender, until: Date.now() + CACHE_MS });
    return sender;
  }
}
