/**
 * SPEC §9 end to end on the local runtime, as a partner app would try it: it registers an endpoint
 * on this machine (a real HTTP receiver that verifies with `standardwebhooks` and fails each
 * event's first attempt), every change of its leads arrives signed, the failed attempt is retried
 * with the same webhook-id and shows in the delivery log, retry and replay resend, rotation sends
 * both signatures, unsafe URLs are refused and another partner's webhook is a 404.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  acceptBody,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  partner,
  post,
  sleep,
  uniquePartner,
} from './helpers.js';

interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}
interface Event {
  type: string;
  timestamp: string;
  data: { lead?: { id: string; version: number; stage: string; favorite?: boolean } };
}
interface Subscription extends JsonObject {
  id: string;
  secret: string;
  url: string;
  enabled: boolean;
}
interface Delivery {
  id: string;
  webhookId: string;
  eventType: string;
  leadId: string | null;
  status: string;
  attempts: Array<{ statusCode: number | null; durationMs: number; error: string | null }>;
}

/** A partner app: records every request, answers 503 to the first attempt of each webhook-id. */
let server: Server;
let endpoint: string;
const requests: Received[] = [];
beforeAll(async () => {
  const seen = new Set<string>();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      const status = request.url?.includes('/fail-first') && !seen.has(id) ? 503 : 204;
      seen.add(id);
      requests.push({ id, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as Event;

/** The requests whose body mentions `needle` and that match, once at least `count` arrived (or the time is up). */
async function waitFor(needle: string, match: (e: Event) => boolean, count: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = requests.filter((r) => r.body.includes(needle) && match(JSON.parse(r.body) as Event));
    if (found.length >= count || Date.now() > deadline) return found;
    await sleep(100);
  }
}

async function subscribe(token: string, url: string, events?: string[]) {
  const reply = await post<Subscription>(
    '/v1/webhooks',
    { url, events: events ?? ['lead.received', 'lead.accepted', 'lead.updated', 'lead.won'] },
    { token },
  );
  expect(reply.status).toBe(201);
  return reply.body;
}

describe('webhooks on the local runtime', () => {
  it('delivers every change signed; a failed first attempt is retried with the same webhook-id and logged', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const path = `/fail-first/${partnerId}`;
    const subscription = await subscribe(token, `${endpoint}${path}`);
    expect(subscription.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(subscription.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    // The secret is shown once: never on a read.
    const read = await get<Subscription>(`/v1/webhooks/${subscription.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');

    const leadId = await createLead(partnerId);
    const byLead = (type: string) => (e: Event) => e.type === type && e.data.lead?.id === leadId;
    const received = await waitFor(leadId, byLead('lead.received'), 2);
    expect(received.map((r) => r.status)).toEqual([503, 204]);
    expect(received[1]!.id).toBe(received[0]!.id);
    expect(received[0]!.id).toMatch(/^msg_/);
    const event = verify(subscription.secret, received[1]!);
    expect(event).toMatchObject({
      type: 'lead.received',
      data: { lead: { id: leadId, version: 1, stage: 'received' } },
    });
    expect(event.data.lead).not.toHaveProperty('favorite');
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, received[1]!)).toThrow();

    const accepted = await post(`/v1/leads/${leadId}/accept`, acceptBody(), { token });
    expect(accepted.status).toBe(200);
    const acceptedEvents = await waitFor(leadId, byLead('lead.accepted'), 2);
    expect(verify(subscription.secret, acceptedEvents[1]!).data.lead).toMatchObject({
      version: 2,
      stage: 'accepted',
    });
    // A favorite is bookkeeping, not a change of the lead: no event.
    await call('PUT', `/v1/leads/${leadId}/favorite`, { token });

    const log = await get<{ items: Delivery[]; nextCursor: string | null }>(
      `/v1/webhooks/${subscription.id}/deliveries?limit=10`,
      { token },
    );
    expect(log.status).toBe(200);
    expect(log.body.items.map((d) => d.eventType)).toEqual(['lead.accepted', 'lead.received']);
    const first = log.body.items[1]!;
    expect(first).toMatchObject({ status: 'delivered', leadId, webhookId: received[0]!.id });
    expect(first.attempts.map((a) => [a.statusCode, a.error])).toEqual([
      [503, 'HTTP 503'],
      [204, null],
    ]);
    expect(first.attempts.every((a) => a.durationMs >= 0)).toBe(true);

    // Retry one delivery: the same webhook-id again, now.
    const before = requests.length;
    const retried = await post(`/v1/webhooks/${subscription.id}/deliveries/${first.id}/retry`, undefined, {
      token,
    });
    expect(retried.status).toBe(202);
    const again = await waitFor(leadId, byLead('lead.received'), 3);
    expect(again).toHaveLength(3);
    expect(again[2]!.id).toBe(first.webhookId);
    expect(requests.length).toBeGreaterThan(before);

    // Replay the period: both events again, in order.
    const replay = await post<{ events: number }>(
      `/v1/webhooks/${subscription.id}/replay`,
      { since: new Date(Date.now() - 3600_000).toISOString() },
      { token },
    );
    expect(replay.status).toBe(202);
    expect(replay.body.events).toBe(2);
    const replayed = await waitFor(leadId, (e) => e.data.lead?.id === leadId, 7);
    expect(replayed.slice(-2).map((r) => (JSON.parse(r.body) as Event).type)).toEqual(
      expect.arrayContaining(['lead.received', 'lead.accepted']),
    );
  }, 60_000);

  it('sends a test event, and after a rotation signs with both secrets', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const subscription = await subscribe(token, `${endpoint}/ok/${partnerId}`, ['lead.received']);
    const rotated = await post<Subscription>(`/v1/webhooks/${subscription.id}/rotate-secret`, undefined, {
      token,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(subscription.secret);

    const test = await post<{ deliveryId: string }>(`/v1/webhooks/${subscription.id}/test`, undefined, {
      token,
    });
    expect(test.status).toBe(202);
    const [arrived] = await waitFor(subscription.id, (e) => e.type === 'webhook.test', 1);
    expect(arrived).toBeDefined();
    expect(String(arrived!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(subscription.secret, arrived!).type).toBe('webhook.test');
    expect(verify(rotated.body.secret, arrived!).type).toBe('webhook.test');
  }, 30_000);

  it('refuses unsafe URLs, an 11th subscription, and answers 404 for another partner’s', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    for (const url of [
      'http://hooks.example.com/in',
      'https://10.0.0.1/in',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/in',
      'https://localhost/in',
      'http://localhost:4010/in',
    ]) {
      const reply = await post('/v1/webhooks', { url, events: ['lead.received'] }, { token });
      expectProblem(reply, 400, 'webhook-url-refused');
    }
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await subscribe(token, `https://hooks${i}.example.com/in`)).id);
    const eleventh = await post(
      '/v1/webhooks',
      { url: 'https://hooks.example.com/in', events: ['lead.won'] },
      { token },
    );
    expectProblem(eleventh, 409, 'webhook-limit-reached');
    const list = await get<{ items: Subscription[] }>('/v1/webhooks', { token });
    expect(list.body.items.map((s) => s.id)).toEqual(ids);

    const other = await partner(uniquePartner());
    for (const [method, path] of [
      ['GET', `/v1/webhooks/${ids[0]}`],
      ['PATCH', `/v1/webhooks/${ids[0]}`],
      ['DELETE', `/v1/webhooks/${ids[0]}`],
      ['GET', `/v1/webhooks/${ids[0]}/deliveries`],
      ['POST', `/v1/webhooks/${ids[0]}/rotate-secret`],
    ] as const) {
      const reply = await call(method, path, {
        token: other,
        ...(method === 'PATCH' ? { body: { enabled: false } } : {}),
      });
      expectProblem(reply, 404, 'webhook-not-found');
    }
    // Deleting one makes room again.
    expect((await call('DELETE', `/v1/webhooks/${ids[0]}`, { token })).status).toBe(204);
    expect((await get(`/v1/webhooks/${ids[0]}`, { token })).status).toBe(404);
    await subscribe(token, 'https://hooks.example.com/again');
  }, 30_000);
});
