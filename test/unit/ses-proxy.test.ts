/**
 * The local SES proxy's log of sent subjects (`/_local/sent`): what SES took, in order, and only
 * that, read from any point on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../local/ports.js';
import { startSesProxy } from '../../local/ses-proxy.js';

let upstream: Server;
let proxy: { close(): Promise<void> };
let base: string;

beforeAll(async () => {
  // SES as far as the proxy can tell: 200 for an email, 400 for one whose subject says so.
  upstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const refused = body.includes('"refuse me"');
      response.writeHead(refused ? 400 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(refused ? { message: 'Bad Request Exception' } : { MessageId: 'm' }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  proxy = await startSesProxy({ port, upstreamPort: (upstream.address() as AddressInfo).port });
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

const send = (subject: string) =>
  fetch(`${base}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 't' } } } },
    }),
  });

test('logs the subject of each email SES took, in order, from any point on', async () => {
  expect((await send('first')).status).toBe(200);
  expect((await send('refuse me')).status).toBe(400);
  expect((await send('second')).status).toBe(200);
  const all = await (await fetch(`${base}/_local/sent`)).json();
  expect(all).toStrictEqual({ sent: 2, subjects: ['first', 'second'] });
  const later = await (await fetch(`${base}/_local/sent?after=1`)).json();
  expect(later).toStrictEqual({ sent: 2, subjects: ['second'] });
});
