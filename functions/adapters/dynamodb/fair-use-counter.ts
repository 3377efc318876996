/**
 * The fair-use counters: one item per client and window, incremented by a conditional ADD that
 * refuses once the window is full. One write unit per request (the item stays under 1 KB), no
 * read; the item expires by TTL an hour after its window.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clientName, type FairUseClient, type FairUseCounter, type Window } from '../../domain/fair-use.js';
import { fairUseKey } from './keys.js';

/** Kept past its window so an operator can still see a burst that just ended. */
const KEEP_AFTER_WINDOW_SECONDS = 60 * 60;

export class DynamoFairUseCounter implements FairUseCounter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async admit(client: FairUseClient, window: Window, limit: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: fairUseKey(clientName(client), window.start),
          UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'requests', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
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
