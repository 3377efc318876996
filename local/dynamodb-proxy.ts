/**
 * A proxy between the local runtime's functions and DynamoDB Local, for measuring and for faults
 * (issue 7, items 9 and 10). It can
 * - answer a fraction of requests `400 ProvisionedThroughputExceededException`, as DynamoDB does
 *   when a partition or the account is over its throughput, before they reach the database (so a
 *   refused write never happened, as on AWS), for the SDK's retries and our own to deal with;
 * - meter what the functions ask of the table: requests by operation, and the capacity units
 *   DynamoDB Local reports for each (it asks for `ReturnConsumedCapacity: INDEXES` when the
 *   caller did not, and strips the answer again), per table and per index.
 * Only the functions go through it: the stream poller and the TTL emulator stand in for AWS's own
 * machinery and talk to DynamoDB Local directly. Controlled over HTTP on its own port (127.0.0.1):
 * `GET /_local/dynamodb` (the meter and the throttle), `PUT /_local/dynamodb` `{ "throttle": 0.1 }`,
 * `DELETE /_local/dynamodb` (meter back to zero, throttle off).
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from './ports.js';

/** Capacity units, as DynamoDB reports them, summed. */
export interface Units {
  read: number;
  write: number;
}

export interface Meter {
  /** Requests that reached the database, by operation (`PutItem`, `TransactWriteItems`…). */
  requests: Record<string, number>;
  /** Requests answered ProvisionedThroughputExceededException by the proxy, by operation. */
  throttled: Record<string, number>;
  /** Capacity units of the base table. */
  table: Units;
  /** Capacity units of each global secondary index, by index name. */
  indexes: Record<string, Units>;
}

/** The operations whose answers can carry ConsumedCapacity. */
const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

type Consumed = {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<
    string,
    { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }
  >;
};

const emptyMeter = (): Meter => ({ requests: {}, throttled: {}, table: { read: 0, write: 0 }, indexes: {} });
const bump = (counts: Record<string, number>, key: string, n = 1) => {
  counts[key] = (counts[key] ?? 0) + n;
};

/** Units of one part of a ConsumedCapacity entry: split into read and write where DynamoDB says so. */
function unitsOf(
  part: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined,
  write: boolean,
): Units {
  if (!part) return { read: 0, write: 0 };
  if (part.ReadCapacityUnits !== undefined || part.WriteCapacityUnits !== undefined)
    return { read: part.ReadCapacityUnits ?? 0, write: part.WriteCapacityUnits ?? 0 };
  const n = part.CapacityUnits ?? 0;
  return write ? { read: 0, write: n } : { read: n, write: 0 };
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export interface DynamoDbProxy {
  endpoint: string;
  meter(): Meter;
  close(): Promise<void>;
}

export async function startDynamoDbProxy(options: {
  port: number;
  upstreamPort: number;
  /** Fraction (0-1) of requests to refuse as throttled, from the start. */
  throttle?: number;
  /** Random numbers for the throttle (tests pass a seeded one). */
  random?: () => number;
}): Promise<DynamoDbProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const random = options.random ?? Math.random;
  let throttle = options.throttle ?? 0;
  let meter = emptyMeter();

  const record = (operation: string, consumed: Consumed[]) => {
    const write = WRITES.has(operation);
    for (const c of consumed) {
      // A transaction reports the table's units only in total (2 per write unit of each item).
      const table = unitsOf(c.Table ?? c, write);
      meter.table.read += table.read;
      meter.table.write += table.write;
      for (const [name, part] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        const units = unitsOf(part, write);
        meter.indexes[name] ??= { read: 0, write: 0 };
        const index = meter.indexes[name];
        index.read += units.read;
        index.write += units.write;
      }
    }
  };

  const server: Server = createServer(async (request, response) => {
    response.on('error', () => undefined);
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/_local/dynamodb') {
      if (request.method === 'PUT') {
        const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { throttle?: unknown }) : {};
        const t = Number(input.throttle ?? 0);
        throttle = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
      }
      if (request.method === 'DELETE') {
        meter = emptyMeter();
        throttle = 0;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ throttle, meter }));
      return;
    }
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '') || '?';
    if (throttle > 0 && operation !== '?' && random() < throttle) {
      bump(meter.throttled, operation);
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message:
            'The level of configured provisioned throughput for the table was exceeded (injected locally).',
        }),
      );
      return;
    }
    bump(meter.requests, operation);
    let forwarded = body;
    let added = false;
    if (METERED.has(operation)) {
      try {
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        if (input.ReturnConsumedCapacity === undefined || input.ReturnConsumedCapacity === 'NONE') {
          input.ReturnConsumedCapacity = 'INDEXES';
          added = true;
          forwarded = Buffer.from(JSON.stringify(input));
        }
      } catch {
        // Not JSON: let the database answer it as it would.
      }
    }
    const { 'transfer-encoding': _chunked, ...incoming } = request.headers;
    const headers = { ...incoming, 'content-length': String(forwarded.length) };
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: options.upstreamPort,
        method: request.method,
        path: request.url,
        headers,
        agent,
      },
      async (reply) => {
        reply.on('error', () => response.destroy());
        if (!METERED.has(operation)) {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(response);
          return;
        }
        let answer = await readBody(reply);
        try {
          const output = JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: Consumed | Consumed[] };
          if (output.ConsumedCapacity) {
            const consumed = Array.isArray(output.ConsumedCapacity)
              ? output.ConsumedCapacity
              : [output.ConsumedCapacity];
            record(operation, consumed);
            if (added) {
              delete output.ConsumedCapacity;
              answer = Buffer.from(JSON.stringify(output));
            }
          }
        } catch {
          // Not JSON (an error page): passed on untouched.
        }
        // The body may have changed: its CRC32 and length no longer describe it.
        const {
          'x-amz-crc32': _crc,
          'content-length': _length,
          'transfer-encoding': _encoding,
          ...rest
        } = reply.headers;
        response.writeHead(reply.statusCode ?? 502, { ...rest, 'content-length': String(answer.length) });
        response.end(answer);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    upstream.end(forwarded);
  });
  const stop = await listenOnLoopback(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    meter: () => structuredClone(meter),
    close: async () => {
      agent.destroy();
      await stop();
    },
  };
}
