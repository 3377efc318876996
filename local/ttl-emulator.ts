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
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { trace } from './trace.js';

export interface TtlEmulator {
  /** Notes a stream record: items written with a TTL are scheduled, deleted ones forgotten. */
  observe(record: DynamoDBRecord): void;
  /** True once for the key of an item this emulator deleted: its REMOVE record is a TTL deletion. */
  deletedByTtl(pk: string, sk: string): boolean;
  stop(): Promise<void>;
}

type Key = { pk: string; sk: string };
/** Delete requests in flight at once during a sweep. */
const REQUESTS_IN_FLIGHT = 8;
/** The shortest sleep between sweeps, so a burst of due items never turns the loop into a spin. */
const MIN_PAUSE_MS = 20;
const id = (key: Key) => `${key.pk}\u0000${key.sk}`;

export async function startTtlEmulator(options: {
  client: DynamoDBClient;
  tableName: string;
  attribute: string;
  intervalMs?: number;
  /**
   * Items written once and never updated (expiry timers): nothing can push their expiry back, so
   * they are deleted 25 to a BatchWriteItem rather than one conditional DeleteItem each, which
   * costs DynamoDB Local about six times as much per item.
   */
  writeOnce?: (key: Key) => boolean;
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

  async function expire(entry: { key: Key; expiresAt: number }, now: number) {
    const { key } = entry;
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
      if (error instanceof ConditionalCheckFailedException) return;
      // Tried again on the next sweep, unless a newer write rescheduled it meanwhile.
      if (!scheduled.has(id(key))) scheduled.set(id(key), entry);
      options.log?.(`ttl emulator: ${(error as Error).message}`);
    }
  }

  /** Deletes write-once items 25 to a request; what DynamoDB leaves unprocessed is retried. */
  async function expireBatch(entries: Array<{ key: Key; expiresAt: number }>) {
    for (const { key } of entries) {
      deleted.set(id(key), Date.now());
      scheduled.delete(id(key));
    }
    let requests: Array<{ DeleteRequest: { Key: Record<string, AttributeValue> } }> = entries.map(
      ({ key }) => ({
        DeleteRequest: { Key: { pk: { S: key.pk }, sk: { S: key.sk } } },
      }),
    );
    try {
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 6)));
        const result = await options.client.send(
          new BatchWriteItemCommand({ RequestItems: { [options.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[options.tableName] ?? []).flatMap((r) =>
          r.DeleteRequest?.Key ? [{ DeleteRequest: { Key: r.DeleteRequest.Key } }] : [],
        );
      }
      trace('ttl:deleted', entries.length);
    } catch (error) {
      // Tried again on the next sweep.
      for (const entry of entries) {
        deleted.delete(id(entry.key));
        if (!scheduled.has(id(entry.key))) scheduled.set(id(entry.key), entry);
      }
      options.log?.(`ttl emulator: ${(error as Error).message}`);
    }
  }

  async function sweep() {
    const now = Math.floor(Date.now() / 1000);
    const due = [...scheduled.values()].filter((s) => s.expiresAt < now);
    const batched = due.filter((entry) => options.writeOnce?.(entry.key));
    const single = due.filter((entry) => !options.writeOnce?.(entry.key));
    const work = [
      ...Array.from(
        { length: Math.ceil(batched.length / 25) },
        (_, i) => () => expireBatch(batched.slice(i * 25, i * 25 + 25)),
      ),
      ...single.map((entry) => () => expire(entry, now)),
    ];
    // Many at once, as DynamoDB's background process deletes many at once: a few requests in
    // flight, each worker taking the next as soon as its last one is done.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(REQUESTS_IN_FLIGHT, work.length) }, async () => {
        while (next < work.length) await work[next++]!();
      }),
    );
    for (const [key, at] of deleted) if (Date.now() - at > 120_000) deleted.delete(key);
  }

  /** How long to sleep: the interval, or less when a scheduled item comes due sooner. */
  const pause = () => {
    let earliest = Number.POSITIVE_INFINITY;
    for (const { expiresAt } of scheduled.values()) if (expiresAt < earliest) earliest = expiresAt;
    // An item is due once its second has passed (`expiresAt < now` in whole seconds).
    const dueIn = (earliest + 1) * 1000 - Date.now();
    return Math.max(MIN_PAUSE_MS, Math.min(options.intervalMs ?? 1000, dueIn));
  };

  const loop = async () => {
    while (!stopped) {
      running = sweep().catch((error: Error) => options.log?.(`ttl emulator: ${error.message}`));
      await running;
      await new Promise((r) => setTimeout(r, pause()));
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
