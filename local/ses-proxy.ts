/**
 * The local SES (aws-ses-v2-local) behind a small proxy that can fail on purpose: an outage
 * (`down`: the connection is dropped, as if SES were stopped; `throttle`: 429
 * TooManyRequestsException) for every SendEmail, or only for those whose recipients contain a
 * given text, so a test can fail its own emails without touching anyone else's. Controlled over
 * HTTP on the same port (local only): `GET|PUT|DELETE /_local/outage` (see `npm run ses`).
 *
 * It also keeps the subject of every email SES took, in order: `GET /_local/sent?after=<n>` answers
 * `{ "sent": <count>, "subjects": [the subjects after the first n] }`, so a bench can follow
 * thousands of emails without downloading their bodies again on every look (`/store`).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from './ports.js';

export interface Outage {
  mode: 'down' | 'throttle';
  /** Only SendEmail calls whose destination contains this (case-insensitive); absent: all. */
  match?: string;
  /** SendEmail calls refused so far. */
  refused: number;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** The subject of a SESv2 SendEmail body (simple content), or '' when it has none. */
function subjectOf(body: Buffer): string {
  try {
    const input = JSON.parse(body.toString('utf8')) as {
      Content?: { Simple?: { Subject?: { Data?: unknown } } };
    };
    const subject = input.Content?.Simple?.Subject?.Data;
    return typeof subject === 'string' ? subject : '';
  } catch {
    return '';
  }
}

export async function startSesProxy(options: {
  port: number;
  upstreamPort: number;
}): Promise<{ close(): Promise<void> }> {
  const outages: Outage[] = [];
  /** The subject of each email SES answered 2xx for, in order. */
  const sent: string[] = [];

  const server: Server = createServer(async (request, response) => {
    // A client that goes away (an SDK timeout on a loaded machine) must not take the runtime with it.
    response.on('error', () => undefined);
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      return;
    }
    const [path, query] = (request.url ?? '/').split('?');
    if (path === '/_local/sent') {
      const after = Math.max(0, Number(new URLSearchParams(query ?? '').get('after')) || 0);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sent: sent.length, subjects: sent.slice(after) }));
      return;
    }
    if (path === '/_local/outage') {
      if (request.method === 'PUT') {
        const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Partial<Outage>) : {};
        outages.push({
          mode: input.mode === 'throttle' ? 'throttle' : 'down',
          ...(input.match ? { match: input.match.toLowerCase() } : {}),
          refused: 0,
        });
      }
      if (request.method === 'DELETE') outages.splice(0);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ outages }));
      return;
    }
    if (request.method === 'POST' && path === '/v2/email/outbound-emails' && outages.length > 0) {
      const destination = body.toString('utf8').toLowerCase();
      const outage = outages.find((o) => o.match === undefined || destination.includes(o.match));
      if (outage) {
        outage.refused += 1;
        if (outage.mode === 'down') {
          request.socket.destroy();
          return;
        }
        response.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        });
        response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
        return;
      }
    }
    const sending = request.method === 'POST' && path === '/v2/email/outbound-emails';
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: options.upstreamPort,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (reply) => {
        reply.on('error', () => response.destroy());
        const status = reply.statusCode ?? 502;
        if (sending && status >= 200 && status < 300) sent.push(subjectOf(body));
        response.writeHead(status, reply.headers);
        reply.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    upstream.end(body);
  });
  const stop = await listenOnLoopback(server, options.port);
  return {
    close: stop,
  };
}
