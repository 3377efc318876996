/**
 * DynamoDB's TTL, for the local table. DynamoDB Local 1.25.1 runs TTL only on tables without a
 * global secondary index (measured: with one GSI, expired items stay forever, in memory or on
 * disk), and this table has five. So the local runtime does what the TTL process does: it deletes
 * items whose TTL attribute has passed, and the stream poller hands their REMOVE records to the
 * consumers with the TTL process's identity (`Service` / `dynamodb.amazonaws.com`), as on AWS.
 *
 * It learns which items carry a TTL from the table's own stream (every write of one shows up
 * there), after one Scan at start for a persisted database; so it never scans a busy table.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

export interface TtlEmulator {
  /** Notes a stream record: items written with a TTL are scheduled, deleted ones forgotten. */
  observe(record: DynamoDBRecord): void;
  /** True once for the key of an item this emulator deleted: its REMOVE record is a TTL deletion. */
  deletedByTtl(pk: string, sk: string): boolean;
  stop(): Promise<void>;
}

type Key = { pk: string; sk: string };
const id = (key: Key) => `${key.pk}\u0000${key.sk}`;

export async function startTtlEmulator(options: {
  client: DynamoDBClient;
  tableName: string;
  attribute: string;
  intervalMs?: number;
  log?: (line: string) => void;
}): Promise<TtlEmulator> {
  /** Items with a TTL, by key: when they expire (epoch seconds). */
  const scheduled = new Map<string, { key: Key; expiresAt: number }>();
  const deleted = new Map<string, number>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const schedule = (key: Key, expiresAt: number | undefined) => {
    if (expiresAt === undefined || !Number.isFinite(expiresAt)) scheduled.delete(id(key));
    else scheduled.set(id(key), { key, expiresAt });
  };

  // A persisted database may hold TTL items written while nothing was watching the stream.
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await options.client.send(
      new ScanCommand({
        TableName: options.tableName,
        FilterExpression: 'attribute_exists(#ttl)',
        ProjectionExpression: 'pk, sk, #ttl',
        ExpressionAttributeNames: { '#ttl': options.attribute },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      schedule({ pk: item.pk?.S ?? '', sk: item.sk?.S ?? '' }, Number(item[options.attribute]?.N));
    }
    start = page.LastEvaluatedKey;
  } while (start);

  async function expire({ key }: { key: Key }, now: number) {
    deleted.set(id(key), Date.now());
    scheduled.delete(id(key));
    try {
      await options.client.send(
        new DeleteItemCommand({
          TableName: options.tableName,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          // Like TTL: an item whose expiry was pushed back (or removed) meanwhile stays.
          ConditionExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#ttl': options.attribute },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
    } catch (error) {
      deleted.delete(id(key));
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async function sweep() {
    const now = Math.floor(Date.now() / 1000);
    const due = [...scheduled.values()].filter((s) => s.expiresAt < now);
    // Many at once, as DynamoDB's background process deletes many at once.
    for (let i = 0; i < due.length; i += 25) {
      await Promise.all(due.slice(i, i + 25).map((entry) => expire(entry, now)));
    }
    for (const [key, at] of deleted) if (Date.now() - at > 120_000) deleted.delete(key);
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
    observe(record) {
      const keys = record.dynamodb?.Keys;
      const key = { pk: keys?.pk?.S ?? '', sk: keys?.sk?.S ?? '' };
      if (record.eventName === 'REMOVE') return void scheduled.delete(id(key));
      schedule(key, Number(record.dynamodb?.NewImage?.[options.attribute]?.N ?? Number.NaN));
    },
    deletedByTtl(pk, sk) {
      return deleted.delete(id({ pk, sk }));
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
