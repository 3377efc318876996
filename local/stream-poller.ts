/**
 * Feeds DynamoDB Local's stream to the stream consumers as Lambda's event-source mapping would:
 * the same filter criteria, batches, partial batch failures retried, and what keeps failing set
 * aside (the local stand-in for the SQS on-failure destination) instead of being dropped.
 */
import { appendFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type FilterPattern, matches } from '../functions/stream/filters.js';
import { asFunction } from './iam-check.js';
import { lambdaContext } from './lambda-context.js';
import { trace, traced } from './trace.js';

export interface Consumer {
  name: string;
  filters: readonly FilterPattern[];
  load: () => Promise<
    (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | undefined>
  >;
}

export interface PollerOptions {
  endpoint: string;
  tableName: string;
  consumers: Consumer[];
  /** Where records that fail every retry are written, one JSON line each. */
  failedRecordsFile: string;
  /** Tells the REMOVE records of items the local TTL emulator deleted (see ttl-emulator.ts). */
  isTtlDeletion?: (pk: string, sk: string) => boolean;
  /** Sees every record before the consumers do (the TTL emulator learns TTL items from them). */
  observe?: (record: DynamoDBRecord) => void;
  batchSize?: number;
  retryAttempts?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

/** Records per GetRecords call (DynamoDB's own maximum). */
const PAGE = 1000;
const TTL_IDENTITY = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };

/** A stream record as GetRecords puts it on the wire (DynamoDB Streams' JSON protocol). */
interface WireRecord {
  eventID?: string;
  eventName?: string;
  eventVersion?: string;
  awsRegion?: string;
  /** Attribute values as on the wire, which is also how Lambda hands them over; the timestamp in epoch seconds. */
  dynamodb?: NonNullable<DynamoDBRecord['dynamodb']>;
  userIdentity?: { Type?: string; PrincipalId?: string };
}

/** The record as Lambda hands it over: whole epoch seconds, camel-case user identity. */
function asLambdaRecord(
  record: WireRecord,
  streamArn: string,
  isTtlDeletion: PollerOptions['isTtlDeletion'],
): DynamoDBRecord {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  const keys = record.dynamodb?.Keys;
  const identity =
    record.userIdentity ??
    (record.eventName === 'REMOVE' && isTtlDeletion?.(keys?.pk?.S ?? '', keys?.sk?.S ?? '')
      ? TTL_IDENTITY
      : undefined);
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ...(created === undefined ? {} : { ApproximateCreationDateTime: Math.floor(created) }),
    },
    ...(identity ? { userIdentity: { type: identity.Type, principalId: identity.PrincipalId } } : {}),
  };
}

/**
 * GetRecords, signed by the streams client's own signer, its answer read with JSON.parse. Lambda's
 * stream records carry the attribute values exactly as the wire does, so the SDK's deserializer
 * (which builds typed values only for `asLambdaRecord` to take apart again) is skipped: it was the
 * local runtime's largest single cost while 2,000 leads expired (about 8,000 records of lead
 * images), work that on AWS is Lambda's poller's, not ours.
 */
function rawGetRecords(client: DynamoDBStreamsClient, endpoint: string) {
  const url = new URL(endpoint);
  return async (input: {
    ShardIterator: string;
    Limit: number;
  }): Promise<{ Records?: WireRecord[]; NextShardIterator?: string }> => {
    const body = JSON.stringify(input);
    const signer = await client.config.signer();
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDBStreams_20120810.GetRecords',
      },
      body,
    });
    const response = await fetch(new URL('/', url), { method: 'POST', headers: signed.headers, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`GetRecords answered ${response.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as { Records?: WireRecord[]; NextShardIterator?: string };
  };
}

export interface StreamPoller {
  /**
   * Stops reading the stream until `resume` (what was read is still handed over), as a disabled
   * event-source mapping would: the changes wait in the stream. Resolves once no read is in flight,
   * so nothing written after it reaches a consumer before `resume`. `npm run bench` writes its
   * fan-out input this way, so the clock starts with every change waiting and none handled.
   */
  pause(): Promise<void>;
  resume(): void;
  readonly paused: boolean;
  stop(): Promise<void>;
}

export async function startStreamPoller(options: PollerOptions): Promise<StreamPoller> {
  const client = new DynamoDBStreamsClient({ endpoint: options.endpoint });
  const getRecords = rawGetRecords(client, options.endpoint);
  const table = await new DynamoDBClient({ endpoint: options.endpoint }).send(
    new DescribeTableCommand({ TableName: options.tableName }),
  );
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const batchSize = options.batchSize ?? 100;
  const attempts = options.retryAttempts ?? 3;
  const handlers = new Map<string, Awaited<ReturnType<Consumer['load']>>>();
  const iterators = new Map<string, string>();
  const known = new Set<string>();
  let stopped = false;
  let paused = false;
  let busy: Promise<void> = Promise.resolve();

  async function discoverShards() {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || known.has(shard.ShardId)) continue;
      known.add(shard.ShardId);
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      if (ShardIterator) iterators.set(shard.ShardId, ShardIterator);
    }
  }

  async function deliver(consumer: Consumer, records: DynamoDBRecord[]) {
    let handler = handlers.get(consumer.name);
    if (!handler) {
      handler = await consumer.load();
      handlers.set(consumer.name, handler);
    }
    let pending = records;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: Set<string>;
      try {
        const run = handler;
        const batch = pending;
        const response = await traced(`stream:${consumer.name}`, batch.length, () =>
          asFunction(consumer.name, () => run({ Records: batch }, lambdaContext(consumer.name))),
        );
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        options.log?.(`${consumer.name}: batch failed: ${(error as Error).message}`);
        failed = new Set(pending.map((r) => r.dynamodb?.SequenceNumber ?? ''));
      }
      pending = pending.filter((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      if (pending.length > 0 && attempt >= attempts) {
        for (const record of pending) {
          appendFileSync(
            options.failedRecordsFile,
            `${JSON.stringify({ consumer: consumer.name, record })}\n`,
          );
        }
        options.log?.(
          `${consumer.name}: ${pending.length} record(s) failed ${attempts} times, set aside in ${options.failedRecordsFile}`,
        );
        return;
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }

  // Each consumer has its own event-source mapping on AWS: it reads the shard at its own pace. Here
  // each has a backlog it takes in batches, so a slow consumer no longer holds back the others' next
  // poll. One batch per consumer at a time: the stack's parallelizationFactor 2 would run the
  // aggregator's transactions of one partner's figures side by side, which conflict (retried there
  // 5 times, 3 here), so the local runtime keeps to one.
  const lanes = options.consumers.map((consumer) => ({
    consumer,
    backlog: [] as DynamoDBRecord[],
    running: undefined as Promise<void> | undefined,
  }));
  const drain = (lane: (typeof lanes)[number]) => {
    lane.running ??= (async () => {
      while (lane.backlog.length > 0) await deliver(lane.consumer, lane.backlog.splice(0, batchSize));
    })()
      .catch((error: Error) => options.log?.(`${lane.consumer.name}: ${error.message}`))
      .finally(() => {
        lane.running = undefined;
      });
  };
  // Reading waits while a consumer is this far behind (on AWS: its iterator age grows).
  const behind = () => lanes.some((lane) => lane.backlog.length >= 10 * batchSize);

  /** Reads each shard once; the most records any one read returned. */
  async function pollOnce(): Promise<number> {
    let read = 0;
    // A backlog that grew as its last batch finished is taken up here at the latest.
    for (const lane of lanes) if (lane.backlog.length > 0) drain(lane);
    if (paused || behind()) return 0;
    for (const [shardId, iterator] of iterators) {
      const page = await getRecords({ ShardIterator: iterator, Limit: PAGE });
      if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
      else iterators.delete(shardId);
      const records = (page.Records ?? []).map((r) => asLambdaRecord(r, streamArn!, options.isTtlDeletion));
      trace('stream:read', records.length);
      if (records.length === 0) continue;
      read = Math.max(read, records.length);
      for (const record of records) options.observe?.(record);
      for (const lane of lanes) {
        lane.backlog.push(...records.filter((r) => lane.consumer.filters.some((f) => matches(f, r))));
        if (lane.backlog.length > 0) drain(lane);
      }
    }
    return read;
  }

  await discoverShards();
  let rounds = 0;
  const loop = async () => {
    while (!stopped) {
      let read = 0;
      busy = (async () => {
        if (rounds++ % 20 === 0) await discoverShards();
        read = await pollOnce();
      })().catch((error: Error) => options.log?.(`stream poller: ${error.message}`));
      await busy;
      // A full page means a backlog: read on at once. Otherwise wait, as Lambda batches for a while
      // (maxBatchingWindow); reading again after every few records would send DynamoDB Local a
      // GetRecords every few milliseconds beside the work it feeds.
      if (read < PAGE) await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
    }
  };
  void loop();
  return {
    get paused() {
      return paused;
    },
    async pause() {
      paused = true;
      await busy;
    },
    resume() {
      paused = false;
    },
    async stop() {
      stopped = true;
      await busy;
      // What was read is still handed over, as before.
      await Promise.all(lanes.map((lane) => lane.running));
    },
  };
}
