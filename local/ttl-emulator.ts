/**
 * DynamoDB's TTL, for the local table. DynamoDB Local 1.25.1 runs TTL only on tables without a
 * global secondary index (measured: one GSI and expired items stay forever, in memory or on disk),
 * and this table has four. So the local runtime does what the TTL process does: it finds expired
 * items and deletes them, and the stream poller hands their REMOVE records to the consumers with
 * the TTL process's identity (`Service` / `dynamodb.amazonaws.com`), as DynamoDB does on AWS.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

export interface TtlEmulator {
  /** True once for the key of an item this emulator deleted: its REMOVE record is a TTL deletion. */
  claim(pk: string, sk: string): boolean;
  stop(): Promise<void>;
}

export function startTtlEmulator(options: {
  client: DynamoDBClient;
  tableName: string;
  attribute: string;
  intervalMs?: number;
  log?: (line: string) => void;
}): TtlEmulator {
  const deleted = new Map<string, number>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function expire(key: Record<string, AttributeValue>, now: number) {
    const id = `${key.pk?.S}|${key.sk?.S}`;
    deleted.set(id, Date.now());
    try {
      await options.client.send(
        new DeleteItemCommand({
          TableName: options.tableName,
          Key: { pk: key.pk!, sk: key.sk! },
          // Like TTL: an item whose expiry was pushed back meanwhile stays.
          ConditionExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#ttl': options.attribute },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
    } catch (error) {
      deleted.delete(id);
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async function sweep() {
    const now = Math.floor(Date.now() / 1000);
    let start: Record<string, AttributeValue> | undefined;
    do {
      // A Scan is what the TTL process itself does; the application never scans.
      const page = await options.client.send(
        new ScanCommand({
          TableName: options.tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: 'pk, sk',
          ExpressionAttributeNames: { '#ttl': options.attribute },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      // Deleted a few at a time, as DynamoDB's background process does many at once.
      const keys = page.Items ?? [];
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((key) => expire(key, now)));
      }
      start = page.LastEvaluatedKey;
    } while (start && !stopped);
    for (const [id, at] of deleted) if (Date.now() - at > 120_000) deleted.delete(id);
  }

  const loop = async () => {
    while (!stopped) {
      running = sweep().catch((error: Error) => options.log?.(`ttl emulator: ${error.message}`));
      await running;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
    }
  };
  void loop();

  return {
    claim(pk, sk) {
      return deleted.delete(`${pk}|${sk}`);
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
