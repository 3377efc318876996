/**
 * The sparse "due" indexes (dueForExpiry, dueForReminder, dueForErasure) spread their items over
 * DEADLINE_SHARDS partitions so that no one partition takes every write; reading what is due
 * means one Query per shard, side by side, each paged until the limit is reached.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEADLINE_SHARDS } from './keys.js';
import type { IndexDefinition } from './table-definition.js';

export async function queryDueShards<T>(
  db: DynamoDBDocumentClient,
  options: {
    tableName: string;
    index: IndexDefinition;
    /** The partition key of one shard. */
    pkOf: (shard: number) => string;
    /** Items whose sort key (an ISO 8601 instant) is before this are due. */
    before: Date;
    limit: number;
    read: (item: Record<string, unknown>) => T;
  },
): Promise<T[]> {
  const { index, limit } = options;
  const found: T[] = [];
  await Promise.all(
    Array.from({ length: DEADLINE_SHARDS }, async (_, shard) => {
      let next: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: options.tableName,
            IndexName: index.name,
            KeyConditionExpression: '#pk = :pk AND #sk < :before',
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
            ExpressionAttributeValues: {
              ':pk': options.pkOf(shard),
              ':before': options.before.toISOString(),
            },
            Limit: limit,
            ...(next ? { ExclusiveStartKey: next } : {}),
          }),
        );
        for (const item of page.Items ?? []) found.push(options.read(item));
        next = page.LastEvaluatedKey;
      } while (next && found.length < limit);
    }),
  );
  return found.slice(0, limit);
}
