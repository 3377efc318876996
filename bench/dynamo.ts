/**
 * DynamoDB Local for the bench, with a counting HTTP proxy in front of it: the proxy counts every
 * request that crosses the wire to the database, by operation (X-Amz-Target).
 */
import { Agent, createServer, request, type Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LeadRepository } from '../functions/adapters/dynamodb/lead-repository.js';
import { canConnect, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { freePort } from '../local/ports.js';
import { localSenders } from '../local/senders.js';
import { ensureTable } from '../local/table.js';

export interface CountingProxy {
  endpoint: string;
  /** Operations seen since the last take, in arrival order; resets the log. */
  take(): string[];
  /** The requests seen since the last take, with their bodies and answers; resets the log. */
  takeExchanges(): Exchange[];
  close(): Promise<void>;
}

/** One request at the wire: what was asked and how much came back. */
export interface Exchange {
  operation: string;
  /** The request's JSON body, as sent. */
  request: Record<string, unknown>;
  /** Items returned (Count), for a Query. */
  count?: number;
  /** Items read before any FilterExpression (ScannedCount), for a Query. */
  scanned?: number;
  /** The answer's body, bytes. */
  bytes: number;
  /** Whether the answer carried a LastEvaluatedKey. */
  more: boolean;
}

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let seen: string[] = [];
  let exchanges: Exchange[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? incoming.method ?? '?').replace(
      /^DynamoDB_\d+\./,
      '',
    );
    seen.push(operation);
    const sent: Buffer[] = [];
    const answer: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => sent.push(chunk));
    const upstream = request(
      {
        host: target.host,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.on('data', (chunk: Buffer) => answer.push(chunk));
        response.once('end', () => exchanges.push(exchange(operation, sent, answer)));
        response.pipe(outgoing);
      },
    );
    upstream.once('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(String(error));
    });
    incoming.pipe(upstream);
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take: () => {
      const taken = seen;
      seen = [];
      exchanges = [];
      return taken;
    },
    takeExchanges: () => {
      const taken = exchanges;
      exchanges = [];
      seen = [];
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

function exchange(operation: string, sent: Buffer[], answer: Buffer[]): Exchange {
  const body = Buffer.concat(answer);
  const parse = (buffer: Buffer): Record<string, unknown> => {
    try {
      return JSON.parse(buffer.toString()) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const reply = parse(body);
  return {
    operation,
    request: parse(Buffer.concat(sent)),
    ...(typeof reply.Count === 'number' ? { count: reply.Count } : {}),
    ...(typeof reply.ScannedCount === 'number' ? { scanned: reply.ScannedCount } : {}),
    bytes: body.length,
    more: reply.LastEvaluatedKey !== undefined,
  };
}

export interface BenchDatabase {
  /** DynamoDB Local itself. */
  endpoint: string;
  port: number;
  /** The counting proxy in front of it. */
  proxy: CountingProxy;
  tableName: string;
  /** Stops the proxy and DynamoDB Local; resolves false if its port is still open 5 s later. */
  stop(): Promise<boolean>;
}

/** DynamoDB Local on a free port, the app's table, the local senders registered, and the proxy. */
export async function startDatabase(tableName: string): Promise<BenchDatabase> {
  const port = await freePort();
  const dynamo = await startDynamoDbLocal({ port });
  const stops: Array<() => Promise<void>> = [() => dynamo.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    for (let i = 0; i < 50; i++) {
      if (!(await canConnect(port))) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
    stops.push(async () => client.destroy());
    await ensureTable(client, tableName);
    const repository = new LeadRepository(DynamoDBDocumentClient.from(client), tableName);
    for (const sender of localSenders) await repository.senders.register(sender, sender.id);
    const proxy = await startCountingProxy({ host: '127.0.0.1', port });
    stops.push(() => proxy.close());
    return { endpoint: dynamo.endpoint, port, proxy, tableName, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
