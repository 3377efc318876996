/**
 * Pausing the local stream poller (`/local/stream`): while paused it reads nothing, so changes
 * wait in the stream, and after resuming every consumer gets them, as after re-enabling a mapping.
 * And how it reads: GetRecords over HTTP, signed, the records handed over as Lambda shapes them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { leadInserted } from '../../functions/stream/filters.js';
import { STREAM_CONTROL_PATH, streamControl } from '../../local/stream-control.js';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller.js';

const dynamo = mockClient(DynamoDBClient);
const streams = mockClient(DynamoDBStreamsClient);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The poller's clients sign as the SDK does, from the environment (npm start sets these).
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';

let sequence = 0;
/** One new lead per read, so a read that happens is a record that arrives. */
const insert = () => ({
  eventID: String(++sequence),
  eventName: 'INSERT' as const,
  dynamodb: {
    ApproximateCreationDateTime: 1796400000.75,
    Keys: { pk: { S: `LEAD#${sequence}` }, sk: { S: 'LEAD' } },
    NewImage: { pk: { S: `LEAD#${sequence}` }, sk: { S: 'LEAD' }, photo: { B: 'AAEC' } },
    SequenceNumber: String(sequence),
  },
});

/** GetRecords as DynamoDB Local's stream answers it on the wire; every request it got. */
let reads: Array<{ target: string; authorization: string; body: { ShardIterator: string; Limit: number } }>;
let answer: () => unknown;
let recordsServer: Server;
let recordsEndpoint: string;
beforeAll(async () => {
  recordsServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      reads.push({
        target: String(request.headers['x-amz-target']),
        authorization: String(request.headers.authorization),
        body: JSON.parse(body),
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(answer()));
    });
  });
  await new Promise<void>((resolve) => recordsServer.listen(0, '127.0.0.1', resolve));
  recordsEndpoint = `http://127.0.0.1:${(recordsServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => recordsServer.close(resolve)));

beforeEach(() => {
  dynamo.reset();
  streams.reset();
  reads = [];
  answer = () => ({ Records: [insert()], NextShardIterator: 'iterator' });
  dynamo.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:stream' } });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator' });
});

async function poller(
  received: DynamoDBRecord[],
  options: {
    isTtlDeletion?: (pk: string, sk: string) => boolean;
    observe?: (record: DynamoDBRecord) => void;
  } = {},
): Promise<StreamPoller> {
  return startStreamPoller({
    ...options,
    endpoint: recordsEndpoint,
    tableName: 'table',
    failedRecordsFile: '/dev/null',
    pollMs: 5,
    consumers: [
      {
        name: 'webhookEvents',
        filters: [leadInserted],
        load: async () => async (event) => {
          received.push(...event.Records);
          return undefined;
        },
      },
    ],
  });
}

test('a paused poller reads nothing until it resumes; then the consumers get the waiting changes', async () => {
  const received: DynamoDBRecord[] = [];
  const running = await poller(received);
  try {
    while (received.length < 2) await sleep(5);
    await running.pause();
    expect(running.paused).toBe(true);
    const readsBefore = reads.length;
    const handed = received.length;
    await sleep(60);
    expect(reads).toHaveLength(readsBefore);
    // What the last read before the pause took is still handed over, nothing after it.
    expect(received.length).toBe(readsBefore);
    expect(received.length).toBeGreaterThanOrEqual(handed);

    running.resume();
    expect(running.paused).toBe(false);
    while (received.length < readsBefore + 2) await sleep(5);
    expect(reads.length).toBeGreaterThan(readsBefore);
  } finally {
    await running.stop();
  }
});

test('reads with a signed GetRecords and hands records over as Lambda does: wire values, whole seconds, the TTL identity', async () => {
  answer = () => ({
    Records: [
      insert(),
      {
        eventID: 'ttl',
        eventName: 'REMOVE',
        dynamodb: {
          ApproximateCreationDateTime: 1796400001,
          Keys: { pk: { S: 'LEAD#1' }, sk: { S: 'TIMER#EXPIRY' } },
          OldImage: { pk: { S: 'LEAD#1' }, sk: { S: 'TIMER#EXPIRY' } },
          SequenceNumber: '900',
        },
      },
    ],
  });
  const received: DynamoDBRecord[] = [];
  const seen: DynamoDBRecord[] = [];
  const running = await poller(received, {
    isTtlDeletion: (_pk, sk) => sk === 'TIMER#EXPIRY',
    observe: (record) => seen.push(record),
  });
  try {
    while (reads.length < 1) await sleep(5);
    expect(reads[0]).toStrictEqual({
      target: 'DynamoDBStreams_20120810.GetRecords',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/dynamodb\//,
      ),
      body: { ShardIterator: 'iterator', Limit: 1000 },
    });
    await sleep(20);
    // The lead's INSERT reached the consumer; the timer's REMOVE is not for it (filtered out).
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: 'arn:stream',
      dynamodb: { ApproximateCreationDateTime: 1796400000, NewImage: { photo: { B: 'AAEC' } } },
    });
    expect(seen.find((r) => r.eventID === 'ttl')?.userIdentity).toStrictEqual({
      type: 'Service',
      principalId: 'dynamodb.amazonaws.com',
    });
  } finally {
    await running.stop();
  }
});

describe(`${STREAM_CONTROL_PATH}`, () => {
  let server: Server;
  let url: string;
  let current: Pick<StreamPoller, 'pause' | 'resume' | 'paused'> | undefined;
  const calls: string[] = [];
  let paused = false;
  const fake = {
    get paused() {
      return paused;
    },
    async pause() {
      calls.push('pause');
      paused = true;
    },
    resume() {
      calls.push('resume');
      paused = false;
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const at = new URL(request.url ?? '/', 'http://localhost');
      void streamControl(() => current, request, response, at).then((answered) => {
        if (!answered) response.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    current = fake;
    paused = false;
    calls.length = 0;
  });

  test('PUT pauses, DELETE resumes, GET tells', async () => {
    const answer = async (method: string) => {
      const response = await fetch(`${url}${STREAM_CONTROL_PATH}`, { method });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      return response.json();
    };
    expect(await answer('GET')).toEqual({ paused: false });
    expect(await answer('PUT')).toEqual({ paused: true });
    expect(await answer('GET')).toEqual({ paused: true });
    expect(await answer('DELETE')).toEqual({ paused: false });
    expect(calls).toEqual(['pause', 'resume']);
  });

  test('another method is a 405 problem naming the allowed ones, and changes nothing', async () => {
    const response = await fetch(`${url}${STREAM_CONTROL_PATH}`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(calls).toEqual([]);
  });

  test('before the poller runs it answers 503 with Retry-After', async () => {
    current = undefined;
    const response = await fetch(`${url}${STREAM_CONTROL_PATH}`, { method: 'PUT' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { type: string }).type).toMatch(/stream-poller-starting$/);
  });

  test('other paths are left to the next handler', async () => {
    expect((await fetch(`${url}/local/streams`)).status).toBe(418);
    expect(calls).toEqual([]);
  });
});
