/**
 * The fair-use counters: one item per client and window, to which a container adds a lease of
 * requests with one conditional ADD that refuses if the window would pass its limit. One write
 * unit per lease (the item stays under 1 KB), no read; the item expires by TTL an hour after its
 * window.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clientName, type FairUseClient, type FairUseReserver, type Window } from '../../domain/fair-use.js';
import { fairUseKey } from './keys.js';

/** Kept past its window so an operator can still see a burst that just ended. */
const KEEP_AFTER_WINDOW_SECONDS = 60 * 60;

export class DynamoFairUseCounter implements FairUseReserver {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(client: FairUseClient, window: Window, units: number, limit: number): Promise<boolean> {
    if (units > limit) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: fairUseKey(clientName(client), window.start),
          UpdateExpression: 'ADD #count :units SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          // count + units <= limit, written as count <= limit - units: conditions cannot add.
          ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
          ExpressionAttributeNames: { '#count': 'requests', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':units': units,
            ':most': limit - units,
            ':expiresAt': Math.ceil(window.end / 1000) + KEEP_AFTER_WINDOW_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
