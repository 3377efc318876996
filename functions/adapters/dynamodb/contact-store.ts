/**
 * Alert addresses and their confirmation (SPEC §6): one contact item per partner and address in
 * the partner's item collection, a token item per confirmation link (only the token's SHA-256 is
 * stored, with a TTL), and the platform-wide suppression list of addresses that hard-bounced or
 * complained.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ConfirmationRequest,
  type ContactRecord,
  type ContactRegistry,
  normalizeAddress,
  type Suppression,
} from '../../domain/contacts.js';
import { CONTACT_PREFIX, confirmationTokenKey, contactKey, profileKey, suppressionKey } from './keys.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export class ContactStore implements ContactRegistry {
  private readonly suppressionCache = new Map<string, { suppressed: boolean; until: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long a suppression lookup is kept in memory (the notifier: a minute; reads shown to people: never). */
    private readonly suppressionCacheMs = 0,
  ) {}

  /** Every contact record of a partner, by address: one Query on its item collection. */
  async records(partnerId: string): Promise<Map<string, ContactRecord>> {
    const records = new Map<string, ContactRecord>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :contact)',
          ExpressionAttributeValues: { ':pk': profileKey(partnerId).pk, ':contact': CONTACT_PREFIX },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const record: ContactRecord = {
          address: String(item.address),
          status: item.status === 'confirmed' ? 'confirmed' : 'pending',
        };
        for (const field of ['requestId', 'requestedAt', 'queuedAt', 'confirmedAt'] as const) {
          if (typeof item[field] === 'string') record[field] = item[field];
        }
        records.set(record.address, record);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  /**
   * Starts a confirmation request: the contact (pending, this request) and its token item, in one
   * transaction that only succeeds if the contact is still as `previous` left it (nobody raced us).
   */
  async request(request: ConfirmationRequest, previous: ContactRecord | undefined): Promise<boolean> {
    const address = normalizeAddress(request.address);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...contactKey(request.partnerId, address),
                  entity: 'contact',
                  partnerId: request.partnerId,
                  address,
                  status: 'pending',
                  requestId: request.requestId,
                  requestedAt: request.requestedAt.toISOString(),
                },
                ...(previous?.requestId
                  ? {
                      ConditionExpression: '#status = :pending AND requestId = :previous',
                      ExpressionAttributeNames: { '#status': 'status' },
                      ExpressionAttributeValues: { ':pending': 'pending', ':previous': previous.requestId },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...confirmationTokenKey(hashToken(request.token)),
                  entity: 'confirmation-token',
                  partnerId: request.partnerId,
                  address,
                  requestId: request.requestId,
                  expiresAt: epochSeconds(request.expiresAt.getTime()),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /** Records that the request's email is in the queue: from now on it counts against the resend period. */
  async markQueued(partnerId: string, address: string, requestId: string, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: contactKey(partnerId, address),
          UpdateExpression: 'SET queuedAt = :at',
          ConditionExpression: 'requestId = :request',
          ExpressionAttributeValues: { ':at': at.toISOString(), ':request': requestId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Confirms the address a token was sent to: single use (the token item is marked used in the same
   * transaction), only before it expires, and only if it is still the contact's current request.
   * Returns what was confirmed, or `undefined` for an unknown, expired, replaced or used token.
   */
  async confirm(token: string, now: Date): Promise<{ partnerId: string; address: string } | undefined> {
    const key = confirmationTokenKey(hashToken(token));
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item || Item.usedAt !== undefined || Number(Item.expiresAt) <= epochSeconds(now.getTime())) {
      return undefined;
    }
    const partnerId = String(Item.partnerId);
    const address = String(Item.address);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Marked used rather than deleted (no HTTP function may delete, SPEC §11); TTL removes
              // it at expiresAt like an unused one.
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: 'SET usedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
                ExpressionAttributeValues: { ':now': now.toISOString() },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: contactKey(partnerId, address),
                UpdateExpression: 'SET #status = :confirmed, confirmedAt = :now REMOVE requestId',
                ConditionExpression: 'requestId = :request',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':confirmed': 'confirmed',
                  ':now': now.toISOString(),
                  ':request': String(Item.requestId),
                },
              },
            },
          ],
        }),
      );
      return { partnerId, address };
    } catch (error) {
      if (error instanceof TransactionCanceledException) return undefined;
      throw error;
    }
  }

  /** Adds an address to the platform-wide suppression list (the first reason and time are kept). */
  async suppress(address: string, suppression: Suppression): Promise<void> {
    const normalized = normalizeAddress(address);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: suppressionKey(normalized),
        UpdateExpression:
          'SET entity = :entity, address = :address, reason = if_not_exists(reason, :reason), suppressedAt = if_not_exists(suppressedAt, :at), lastEventAt = :at',
        ExpressionAttributeValues: {
          ':entity': 'suppression',
          ':address': normalized,
          ':reason': suppression.reason,
          ':at': suppression.at,
        },
      }),
    );
    if (this.suppressionCacheMs > 0) {
      this.suppressionCache.set(normalized, {
        suppressed: true,
        until: Date.now() + this.suppressionCacheMs,
      });
    }
  }

  /** Those of `addresses` that are suppressed: BatchGet, 100 keys a call (answers cached if so configured). */
  async suppressed(addresses: readonly string[]): Promise<Set<string>> {
    const wanted = [...new Set(addresses.map(normalizeAddress))];
    const found = new Set<string>();
    const unknown: string[] = [];
    for (const address of wanted) {
      const cached = this.suppressionCache.get(address);
      if (cached && cached.until > Date.now()) {
        if (cached.suppressed) found.add(address);
      } else unknown.push(address);
    }
    for (let i = 0; i < unknown.length; i += 100) {
      const chunk = unknown.slice(i, i + 100);
      const hits = await this.batchGet(chunk.map(suppressionKey));
      const until = Date.now() + this.suppressionCacheMs;
      for (const address of chunk) {
        const suppressed = hits.has(suppressionKey(address).pk);
        if (this.suppressionCacheMs > 0) this.suppressionCache.set(address, { suppressed, until });
        if (suppressed) found.add(address);
      }
    }
    return found;
  }

  private async batchGet(keys: Array<{ pk: string; sk: string }>): Promise<Set<string>> {
    const found = new Set<string>();
    let pending: Array<Record<string, unknown>> = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      if (attempt > 5) throw new Error('BatchGet kept leaving keys unprocessed');
      const result = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ProjectionExpression: 'pk' } },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) found.add(String(item.pk));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }
}
