/**
 * Pausing the local stream poller (`/local/stream`): while paused it reads nothing, so changes
 * wait in the stream, and after resuming every consumer gets them, as after re-enabling a mapping.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
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

let sequence = 0;
/** One new lead per read, so a read that happens is a record that arrives. */
const insert = () => ({
  eventID: String(++sequence),
  eventName: 'INSERT' as const,
  dynamodb: {
    Keys: { pk: { S: `LEAD#${sequence}` }, sk: { S: 'LEAD' } },
    SequenceNumber: String(sequence),
  },
});

beforeEach(() => {
  dynamo.reset();
  streams.reset();
  dynamo.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:stream' } });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator' });
  streams
    .on(GetRecordsCommand)
    .callsFake(async () => ({ Records: [insert()], NextShardIterator: 'iterator' }));
});

async function poller(received: DynamoDBRecord[]): Promise<StreamPoller> {
  return startStreamPoller({
    endpoint: 'http://127.0.0.1:9',
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
    const reads = streams.commandCalls(GetRecordsCommand).length;
    const handed = received.length;
    await sleep(60);
    expect(streams.commandCalls(GetRecordsCommand)).toHaveLength(reads);
    // What the last read before the pause took is still handed over, nothing after it.
    expect(received.length).toBe(reads);
    expect(received.length).toBeGreaterThanOrEqual(handed);

    running.resume();
    expect(running.paused).toBe(false);
    while (received.length < reads + 2) await sleep(5);
    expect(streams.commandCalls(GetRecordsCommand).length).toBeGreaterThan(reads);
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
