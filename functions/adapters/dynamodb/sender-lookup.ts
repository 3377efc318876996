/**
 * Registered senders, by OAuth client id (every sender call) or by sender id (expiry emails).
 * Senders change rarely and a burst of calls names few of them, so each answer is kept a minute.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Sender } from '../../domain/lead.js';
import { clientKey, senderKey } from './keys.js';

const CACHE_MS = 60_000;

export class SenderLookup {
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

  private async read(key: { pk: string; sk: string }): Promise<Sender | undefined> {
    const cached = this.cache.get(key.pk);
    if (cached && cached.until > Date.now()) return cached.sender;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    const sender: Sender | undefined = Item
      ? { id: Item.id, kind: Item.kind, name: Item.name, notificationEmail: Item.notificationEmail }
      : undefined;
    this.cache.set(key.pk, { sender, until: Date.now() + CACHE_MS });
    return sender;
  }
}
