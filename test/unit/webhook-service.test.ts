/**
 * The partner-facing webhook use cases against an in-memory store: what create, change, rotate,
 * test, retry and replay write and queue, field by field, and what they refuse.
 */
import type { Page } from '../../functions/domain/ports.js';
import {
  type PostResult,
  signatureHeaders,
  WebhookDelivery,
} from '../../functions/domain/webhook-delivery.js';
import { WebhookRegistration } from '../../functions/domain/webhook-registration.js';
import {
  type AttemptContext,
  type DeliveryQueue,
  eventLead,
  type StoredEvent,
  WebhookFanOut,
  WebhookResend,
  WebhookService,
  type WebhookStore,
} from '../../functions/domain/webhook-service.js';
import {
  type Delivery,
  type DeliveryMessage,
  DeliveryNotFoundError,
  deliverySchema,
  deterministicUlid,
  RETENTION_MS,
  ROTATION_OVERLAP_MS,
  type Subscription,
  SubscriptionDisabledError,
  SubscriptionNotFoundError,
  UnsafeUrlError,
} from '../../functions/domain/webhooks.js';
import { received, windows } from '../support/leads.js';
import { subscription as storedSubscription } from '../support/subscriptions.js';

const t0 = new Date('2026-11-25T10:00:00.000Z');
const ULID = '01JD0000000000000000000000';
const OLD_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function memory() {
  const subscriptions = new Map<string, Subscription>();
  const deliveries = new Map<string, Delivery>();
  const events: Array<StoredEvent & { body: string }> = [];
  const writes: unknown[][] = [];
  const queued: DeliveryMessage[][] = [];
  const unused = () => Promise.reject(new Error('not used by these use cases'));
  const store: WebhookStore = {
    subscriptions: async (partnerId) => [...subscriptions.values()].filter((s) => s.partnerId === partnerId),
    subscription: async (partnerId, id) => {
      const s = subscriptions.get(id);
      return s?.partnerId === partnerId ? s : undefined;
    },
    create: async (s) => {
      writes.push(['create', s]);
      subscriptions.set(s.id, s);
    },
    replace: async (s, expectedVersion) => {
      writes.push(['replace', s, expectedVersion]);
      subscriptions.set(s.id, s);
    },
    remove: async (partnerId, id) => {
      writes.push(['remove', partnerId, id]);
    },
    putEvent: async (event) => {
      writes.push(['putEvent', event]);
      events.push(event);
    },
    eventsSince: async (partnerId, since, until) => {
      writes.push(['eventsSince', partnerId, since, until]);
      return events.filter((e) => e.partnerId === partnerId && e.key >= since && e.key <= until);
    },
    createDelivery: async (delivery) => {
      writes.push(['createDelivery', delivery]);
      const current = deliveries.get(delivery.id);
      if (current) return { created: false, current };
      deliveries.set(delivery.id, delivery);
      return { created: true, current: delivery };
    },
    createEventWithDeliveries: unused,
    delivery: async (subscriptionId, id) => {
      const d = deliveries.get(id);
      return d?.subscriptionId === subscriptionId ? d : undefined;
    },
    deliveries: async (subscriptionId, limit, before): Promise<Page<Delivery>> => {
      writes.push(['deliveries', subscriptionId, limit, before]);
      return { items: [...deliveries.values()].slice(0, limit) };
    },
    saveDelivery: async (delivery, round, step) => {
      writes.push(['saveDelivery', delivery, round, step]);
      deliveries.set(delivery.id, delivery);
      return true;
    },
    setFailingSince: unused,
    disable: unused,
    attemptContexts: unused,
  };
  const queue: DeliveryQueue = { enqueue: async (messages) => void queued.push(messages) };
  return { store, queue, subscriptions, deliveries, events, writes, queued };
}

function setup(now = t0) {
  const m = memory();
  let ids = 0;
  let secrets = 0;
  const deps = {
    store: m.store,
    queue: m.queue,
    clock: () => now,
    newId: () => `01JD${String(++ids).padStart(22, '0')}`,
    newSecret: () => `whsec_secret${++secrets}`,
    allowLocalHttp: false,
  };
  return {
    ...m,
    service: new WebhookService(deps),
    registration: new WebhookRegistration(deps),
    resend: new WebhookResend(deps),
  };
}

const subscription = (over: Partial<Subscription> = {}): Subscription =>
  storedSubscription({
    id: `wh_${ULID}`,
    url: 'https://hooks.contoso.example/leads',
    events: ['lead.received', 'lead.won'],
    description: 'CRM',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    failingSince: '2026-11-24T00:00:00.000Z',
    secrets: [{ value: OLD_SECRET, expiresAt: null }],
    version: 3,
    ...over,
  });
const view = (s: Subscription) => ({
  id: s.id,
  url: s.url,
  events: s.events,
  description: s.description,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

describe('WebhookService subscriptions', () => {
  it('creates an enabled subscription at version 1 with one secret, shown once', async () => {
    const { registration, writes } = setup();
    const created = await registration.create('contoso', {
      url: 'https://Hooks.Contoso.example/leads',
      events: ['lead.received'],
    });
    const stored = storedSubscription({
      id: 'wh_01JD0000000000000000000001',
      url: 'https://hooks.contoso.example/leads',
      events: ['lead.received'],
      secrets: [{ value: 'whsec_secret1', expiresAt: null }],
    });
    expect(writes).toEqual([['create', stored]]);
    expect(created).toEqual({ ...view(stored), secret: 'whsec_secret1' });
    await expect(
      registration.create('contoso', { url: 'http://hooks.contoso.example', events: ['lead.won'] }),
    ).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it('lists oldest first without secrets, and finds only the caller’s own', async () => {
    const { service, subscriptions } = setup();
    const newer = subscription({
      id: 'wh_01JD0000000000000000000009',
      createdAt: '2026-11-20T00:00:00.000Z',
    });
    const older = subscription();
    subscriptions.set(newer.id, newer).set(older.id, older);
    subscriptions.set('wh_other', subscription({ id: 'wh_other', partnerId: 'fabrikam' }));
    expect(await service.list('contoso')).toEqual([view(older), view(newer)]);
    expect(await service.get('contoso', older.id)).toEqual(view(older));
    await expect(service.get('contoso', 'wh_other')).rejects.toBeInstanceOf(SubscriptionNotFoundError);
  });

  it('changes only the fields given, on the version it read, and keeps the failing clock for the same address', async () => {
    const { registration, subscriptions, writes } = setup();
    const current = subscription();
    subscriptions.set(current.id, current);
    const changed = await registration.change('contoso', current.id, {
      events: ['lead.won'],
      description: null,
    });
    const next = {
      ...current,
      events: ['lead.won' as const],
      description: null,
      updatedAt: t0.toISOString(),
      version: 4,
    };
    expect(writes).toEqual([['replace', next, 3]]);
    expect(changed).toEqual(view(next));
  });

  it('disables by the partner, and a re-enable or a new address starts the failing clock afresh', async () => {
    const { registration, subscriptions, writes } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    await registration.change('contoso', `wh_${ULID}`, { enabled: false });
    expect(writes.at(-1)?.[1]).toMatchObject({
      enabled: false,
      disabledReason: 'by-partner',
      failingSince: '2026-11-24T00:00:00.000Z',
    });
    await registration.change('contoso', `wh_${ULID}`, { description: 'still off' });
    expect(writes.at(-1)?.[1]).toMatchObject({
      enabled: false,
      disabledReason: 'by-partner',
      description: 'still off',
    });
    await registration.change('contoso', `wh_${ULID}`, { enabled: true });
    expect(writes.at(-1)?.[1]).toMatchObject({
      enabled: true,
      disabledReason: null,
      failingSince: null,
      version: 6,
    });

    subscriptions.set(`wh_${ULID}`, subscription({ enabled: false, disabledReason: 'gone' }));
    await registration.change('contoso', `wh_${ULID}`, { url: 'https://new.contoso.example/hook' });
    expect(writes.at(-1)?.[1]).toMatchObject({
      url: 'https://new.contoso.example/hook',
      enabled: false,
      disabledReason: 'gone',
      failingSince: null,
    });
    await expect(
      registration.change('contoso', `wh_${ULID}`, { url: 'https://localhost/hook' }),
    ).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it('rotates: the new secret first, the old one signing 24 h more, on the version read', async () => {
    const { service, subscriptions, writes } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    const rotatedView = await service.rotateSecret('contoso', `wh_${ULID}`);
    const until = new Date(t0.getTime() + ROTATION_OVERLAP_MS).toISOString();
    expect(writes).toEqual([
      [
        'replace',
        subscription({
          secrets: [
            { value: 'whsec_secret1', expiresAt: null },
            { value: OLD_SECRET, expiresAt: until },
          ],
          updatedAt: t0.toISOString(),
          version: 4,
        }),
        3,
      ],
    ]);
    expect(rotatedView.secret).toBe('whsec_secret1');
  });

  it('removes by partner and id, and reads the delivery log only of an own subscription', async () => {
    const { service, subscriptions, writes } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    await service.remove('contoso', `wh_${ULID}`);
    expect(await service.deliveries('contoso', `wh_${ULID}`, 5, 'cursor')).toEqual({ items: [] });
    expect(writes).toEqual([
      ['remove', 'contoso', `wh_${ULID}`],
      ['deliveries', `wh_${ULID}`, 5, 'cursor'],
    ]);
    await expect(service.deliveries('fabrikam', `wh_${ULID}`, 5)).rejects.toBeInstanceOf(
      SubscriptionNotFoundError,
    );
  });
});

describe('WebhookService sends', () => {
  it('sends a test event through the log and the queue, as a pending delivery of round 0', async () => {
    const { resend, subscriptions, writes, queued } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    const { deliveryId } = await resend.sendTest('contoso', `wh_${ULID}`);
    expect(deliveryId).toBe('01JD0000000000000000000001');
    const key = `${t0.toISOString()}#test#${deliveryId}`;
    const event = {
      partnerId: 'contoso',
      key,
      type: 'webhook.test',
      timestamp: t0.toISOString(),
      leadId: null,
    };
    const delivery: Delivery = {
      id: deliveryId,
      subscriptionId: `wh_${ULID}`,
      partnerId: 'contoso',
      eventType: 'webhook.test',
      leadId: null,
      eventKey: key,
      status: 'pending',
      attempts: [],
      nextAttemptAt: t0.toISOString(),
      round: 0,
      step: 0,
      createdAt: t0.toISOString(),
    };
    expect(writes).toEqual([
      [
        'putEvent',
        {
          ...event,
          body: JSON.stringify({
            type: 'webhook.test',
            timestamp: t0.toISOString(),
            data: { webhook: { id: `wh_${ULID}`, url: 'https://hooks.contoso.example/leads' } },
          }),
        },
      ],
      ['createDelivery', delivery],
    ]);
    expect(queued).toEqual([
      [{ partnerId: 'contoso', subscriptionId: `wh_${ULID}`, deliveryId, eventKey: key, round: 0 }],
    ]);
  });

  it('refuses to test, retry or replay a disabled subscription', async () => {
    const { resend, subscriptions, writes, queued } = setup();
    subscriptions.set(`wh_${ULID}`, subscription({ enabled: false, disabledReason: 'by-partner' }));
    await expect(resend.sendTest('contoso', `wh_${ULID}`)).rejects.toBeInstanceOf(SubscriptionDisabledError);
    await expect(resend.retry('contoso', `wh_${ULID}`, ULID)).rejects.toBeInstanceOf(
      SubscriptionDisabledError,
    );
    await expect(resend.replay('contoso', `wh_${ULID}`, t0)).rejects.toBeInstanceOf(
      SubscriptionDisabledError,
    );
    expect(writes).toEqual([]);
    expect(queued).toEqual([]);
  });

  const failed = (over: Partial<Delivery> = {}): Delivery => ({
    id: ULID,
    subscriptionId: `wh_${ULID}`,
    partnerId: 'contoso',
    eventType: 'lead.won',
    leadId: ULID,
    eventKey: `2026-11-24T00:00:00.000Z#${ULID}#3`,
    status: 'failed',
    attempts: [{ at: '2026-11-24T00:00:01.000Z', statusCode: 500, durationMs: 20, error: 'HTTP 500' }],
    nextAttemptAt: null,
    round: 1,
    step: 8,
    createdAt: '2026-11-24T00:00:00.000Z',
    ...over,
  });

  it('retries a delivery as a new round from the start of the schedule, saved over the round and step it read', async () => {
    const { resend, subscriptions, deliveries, writes, queued } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    deliveries.set(ULID, failed());
    await resend.retry('contoso', `wh_${ULID}`, ULID);
    const restarted = failed({ status: 'pending', round: 2, step: 0, nextAttemptAt: t0.toISOString() });
    expect(writes).toEqual([['saveDelivery', restarted, 1, 8]]);
    expect(queued).toEqual([
      [
        {
          partnerId: 'contoso',
          subscriptionId: `wh_${ULID}`,
          deliveryId: ULID,
          eventKey: failed().eventKey,
          round: 2,
        },
      ],
    ]);
  });

  it('finds no delivery of another subscription or partner to retry', async () => {
    const { resend, subscriptions, deliveries } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    subscriptions.set('wh_second', subscription({ id: 'wh_second' }));
    deliveries.set(ULID, failed({ subscriptionId: 'wh_second' }));
    await expect(resend.retry('contoso', `wh_${ULID}`, ULID)).rejects.toBeInstanceOf(DeliveryNotFoundError);
    await expect(resend.retry('contoso', `wh_${ULID}`, 'missing')).rejects.toBeInstanceOf(
      DeliveryNotFoundError,
    );
    deliveries.set(ULID, failed({ partnerId: 'fabrikam' }));
    await expect(resend.retry('contoso', `wh_${ULID}`, ULID)).rejects.toBeInstanceOf(DeliveryNotFoundError);
  });

  it('replays, in order, the events of its types since a time at most 7 days back: new deliveries, or new rounds', async () => {
    const now = new Date(t0.getTime() + 10 * 86_400_000);
    const { resend, subscriptions, deliveries, events, writes, queued } = setup(now);
    subscriptions.set(`wh_${ULID}`, subscription());
    const event = (timestamp: string, type: StoredEvent['type'], n: number) => ({
      partnerId: 'contoso',
      key: `${timestamp}#${ULID}#${n}`,
      type,
      timestamp,
      leadId: type === 'webhook.test' ? null : ULID,
      body: '{}',
    });
    const tooOld = event('2026-11-27T09:59:59.000Z', 'lead.received', 1);
    const received = event('2026-11-28T10:00:00.000Z', 'lead.received', 2);
    const test = event('2026-11-29T10:00:00.000Z', 'webhook.test', 0);
    const declined = event('2026-11-30T10:00:00.000Z', 'lead.declined', 3);
    const won = event('2026-12-01T10:00:00.000Z', 'lead.won', 4);
    events.push(tooOld, received, test, declined, won);
    const wonId = deterministicUlid(new Date(won.timestamp), `${won.key}|lead.won|wh_${ULID}`);
    deliveries.set(wonId, failed({ id: wonId, eventKey: won.key }));

    expect(await resend.replay('contoso', `wh_${ULID}`, new Date('2026-01-01T00:00:00.000Z'))).toBe(2);
    const from = new Date(now.getTime() - RETENTION_MS).toISOString();
    expect(writes[0]).toEqual(['eventsSince', 'contoso', from, `${now.toISOString()}~`]);
    const receivedId = deterministicUlid(
      new Date(received.timestamp),
      `${received.key}|lead.received|wh_${ULID}`,
    );
    expect(writes.slice(1).map((w) => [w[0], (w[1] as Delivery).id, (w[1] as Delivery).round])).toEqual([
      ['createDelivery', receivedId, 0],
      ['createDelivery', wonId, 0],
      ['saveDelivery', wonId, 2],
    ]);
    expect(queued).toEqual([
      [
        {
          partnerId: 'contoso',
          subscriptionId: `wh_${ULID}`,
          deliveryId: receivedId,
          eventKey: received.key,
          round: 0,
        },
        {
          partnerId: 'contoso',
          subscriptionId: `wh_${ULID}`,
          deliveryId: wonId,
          eventKey: won.key,
          round: 2,
        },
      ],
    ]);
  });

  it('replays from the time asked when it is within the 7 days', async () => {
    const { resend, subscriptions, writes } = setup();
    subscriptions.set(`wh_${ULID}`, subscription());
    const since = new Date(t0.getTime() - 3_600_000);
    expect(await resend.replay('contoso', `wh_${ULID}`, since)).toBe(0);
    expect(writes).toEqual([['eventsSince', 'contoso', since.toISOString(), `${t0.toISOString()}~`]]);
  });
});

describe('WebhookFanOut', () => {
  const lead = received();
  const sub = (id: string, over: Partial<Subscription> = {}) =>
    subscription({ id, events: ['lead.received'], ...over });

  function fanOutWith(subs: Subscription[], combined: boolean, existing: Map<string, Delivery> = new Map()) {
    const m = memory();
    const reads: string[] = [];
    m.store.subscriptions = async (partnerId) => {
      reads.push(partnerId);
      return subs;
    };
    m.store.createEventWithDeliveries = async (event, deliveries) => {
      m.writes.push(['createEventWithDeliveries', event, deliveries]);
      return combined;
    };
    for (const [id, d] of existing) m.deliveries.set(id, d);
    return { ...m, reads, service: new WebhookFanOut(m.store, m.queue, windows, () => t0) };
  }

  it('stores a new change’s event with one delivery per enabled, matching subscription in one write, and queues them', async () => {
    const f = fanOutWith(
      [sub('wh_a'), sub('wh_off', { enabled: false }), sub('wh_won', { events: ['lead.won'] })],
      true,
    );
    expect(await f.service.fanOut(undefined, lead)).toBe(1);
    const key = `${lead.updatedAt}#${lead.id}#${lead.version}`;
    const id = deterministicUlid(new Date(lead.updatedAt), `${key}|lead.received|wh_a`);
    const event = {
      partnerId: 'contoso',
      key,
      type: 'lead.received',
      timestamp: lead.updatedAt,
      leadId: lead.id,
    };
    expect(f.writes).toEqual([
      [
        'createEventWithDeliveries',
        {
          ...event,
          body: JSON.stringify({
            type: 'lead.received',
            timestamp: lead.updatedAt,
            data: { lead: eventLead(lead, windows) },
          }),
        },
        [
          {
            id,
            subscriptionId: 'wh_a',
            partnerId: 'contoso',
            eventType: 'lead.received',
            leadId: lead.id,
            eventKey: key,
            status: 'pending',
            attempts: [],
            nextAttemptAt: t0.toISOString(),
            round: 0,
            step: 0,
            createdAt: t0.toISOString(),
          },
        ],
      ],
    ]);
    expect(f.queued).toEqual([
      [{ partnerId: 'contoso', subscriptionId: 'wh_a', deliveryId: id, eventKey: key, round: 0 }],
    ]);
  });

  it('keeps the event but queues nothing when no subscription matches; reads nothing for bookkeeping', async () => {
    const f = fanOutWith([sub('wh_won', { events: ['lead.won'] })], true);
    expect(await f.service.fanOut(undefined, lead)).toBe(0);
    expect(f.writes.map((w) => w[0])).toEqual(['createEventWithDeliveries']);
    expect(f.queued).toEqual([]);
    expect(await f.service.fanOut(lead, { ...lead, favoritedBy: ['u1'] })).toBe(0);
    expect(await f.service.fanOut(lead, undefined)).toBe(0);
    expect(f.reads).toEqual(['contoso']);
    const none = fanOutWith([], true);
    expect(await none.service.fanOut(undefined, lead)).toBe(0);
    expect(none.writes).toEqual([]);
  });

  it('takes a redelivered change one by one: queues new deliveries and unattempted ones, not attempted ones', async () => {
    const key = `${lead.updatedAt}#${lead.id}#${lead.version}`;
    const idOf = (s: string) => deterministicUlid(new Date(lead.updatedAt), `${key}|lead.received|${s}`);
    const stored = (s: string, over: Partial<Delivery>): Delivery => ({
      id: idOf(s),
      subscriptionId: s,
      partnerId: 'contoso',
      eventType: 'lead.received',
      leadId: lead.id,
      eventKey: key,
      status: 'pending',
      attempts: [],
      nextAttemptAt: t0.toISOString(),
      round: 0,
      step: 0,
      createdAt: t0.toISOString(),
      ...over,
    });
    const attempt = { at: t0.toISOString(), statusCode: 500, durationMs: 5, error: 'HTTP 500' };
    const f = fanOutWith(
      [sub('wh_new'), sub('wh_unattempted'), sub('wh_attempted'), sub('wh_retried')],
      false,
      new Map([
        [idOf('wh_unattempted'), stored('wh_unattempted', {})],
        [idOf('wh_attempted'), stored('wh_attempted', { attempts: [attempt] })],
        [idOf('wh_retried'), stored('wh_retried', { round: 1 })],
      ]),
    );
    expect(await f.service.fanOut(undefined, lead)).toBe(2);
    expect(f.writes.map((w) => w[0])).toEqual([
      'createEventWithDeliveries',
      'putEvent',
      'createDelivery',
      'createDelivery',
      'createDelivery',
      'createDelivery',
    ]);
    expect(
      f.queued
        .flat()
        .map((m) => m.subscriptionId)
        .sort(),
    ).toEqual(['wh_new', 'wh_unattempted']);
    const done = fanOutWith(
      [sub('wh_attempted')],
      false,
      new Map([[idOf('wh_attempted'), stored('wh_attempted', { attempts: [attempt] })]]),
    );
    expect(await done.service.fanOut(undefined, lead)).toBe(0);
    expect(done.queued).toEqual([]);
  });

  it('reads each partner’s subscriptions once per batch, and reads again after a failed read', async () => {
    const f = fanOutWith([sub('wh_a')], true);
    let fail = true;
    const base = f.store.subscriptions;
    f.store.subscriptions = (partnerId) => {
      if (fail) {
        fail = false;
        f.reads.push(partnerId);
        return Promise.reject(new Error('throttled'));
      }
      return base(partnerId);
    };
    const once = f.service.subscriptionsOnce();
    await expect(once('contoso')).rejects.toThrow('throttled');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await once('contoso')).toHaveLength(1);
    expect(await once('contoso')).toHaveLength(1);
    expect(await f.service.fanOut(undefined, lead, once)).toBe(1);
    expect(f.reads).toEqual(['contoso', 'contoso']);
  });
});

describe('WebhookDelivery', () => {
  const body = '{"type":"lead.won"}';
  const pending = (over: Partial<Delivery> = {}): Delivery => ({
    id: ULID,
    subscriptionId: `wh_${ULID}`,
    partnerId: 'contoso',
    eventType: 'lead.won',
    leadId: ULID,
    eventKey: 'k',
    status: 'pending',
    attempts: [],
    nextAttemptAt: t0.toISOString(),
    round: 2,
    step: 1,
    createdAt: t0.toISOString(),
    ...over,
  });
  const message: DeliveryMessage = {
    partnerId: 'contoso',
    subscriptionId: `wh_${ULID}`,
    deliveryId: ULID,
    eventKey: 'k',
    round: 2,
  };

  function attemptWith(
    context: AttemptContext | undefined,
    answer: PostResult,
    opts: { saved?: boolean; disabled?: boolean; now?: Date } = {},
  ) {
    const calls: unknown[][] = [];
    const queued: DeliveryMessage[][] = [];
    const now = opts.now ?? t0;
    const store: Partial<WebhookStore> = {
      attemptContexts: async (messages) => {
        calls.push(['attemptContexts', messages]);
        return new Map(context ? [[ULID, context]] : []);
      },
      saveDelivery: async (...args) => {
        calls.push(['saveDelivery', ...args]);
        return opts.saved ?? true;
      },
      setFailingSince: async (...args) => void calls.push(['setFailingSince', ...args]),
      disable: async (...args) => {
        calls.push(['disable', ...args]);
        return opts.disabled ?? true;
      },
    };
    const delivery = new WebhookDelivery({
      store: { ...memory().store, ...store },
      queue: { enqueue: async (messages) => void queued.push(messages) },
      poster: {
        post: async (...args) => {
          calls.push(['post', ...args]);
          return answer;
        },
      },
      alerts: { disabled: async (...args) => void calls.push(['alert', args[0].id, args[1], args[2]]) },
      clock: () => now,
      schedule: [5_000, 60_000],
    });
    return { delivery, calls, queued };
  }
  const ok: PostResult = { statusCode: 204, durationMs: 12, error: null };
  const context = (over: Partial<Subscription> = {}, d: Partial<Delivery> = {}): AttemptContext => ({
    subscription: subscription(over),
    delivery: pending(d),
    body,
  });

  it('posts the stored body, signed, records the attempt on the round and step it read, and clears the failing clock', async () => {
    const { delivery, calls, queued } = attemptWith(context(), ok);
    expect(await delivery.attempt(message)).toBe('delivered');
    const headers = signatureHeaders(`msg_${ULID}`, t0, body, [OLD_SECRET]);
    expect(calls).toEqual([
      ['attemptContexts', [message]],
      ['post', 'https://hooks.contoso.example/leads', body, headers],
      [
        'saveDelivery',
        pending({
          status: 'delivered',
          nextAttemptAt: null,
          attempts: [{ at: t0.toISOString(), statusCode: 204, durationMs: 12, error: null }],
        }),
        2,
        1,
      ],
      ['setFailingSince', 'contoso', `wh_${ULID}`, null],
    ]);
    expect(queued).toEqual([]);
    const healthy = attemptWith(context({ failingSince: null }), ok);
    expect(await healthy.delivery.attempt(message, new Map([[ULID, context({ failingSince: null })]]))).toBe(
      'delivered',
    );
    expect(healthy.calls.map((c) => c[0])).toEqual(['post', 'saveDelivery']);
  });

  it('re-queues a message not yet due without reading or posting, and leaves it out of the prefetch', async () => {
    const later = { ...message, dueAt: new Date(t0.getTime() + 1).toISOString() };
    const { delivery, calls, queued } = attemptWith(context(), ok);
    expect(await delivery.attempt(later)).toBe('waiting');
    expect(queued).toEqual([[later]]);
    await delivery.prefetch([later, { ...message, dueAt: t0.toISOString() }]);
    expect(calls).toEqual([['attemptContexts', [{ ...message, dueAt: t0.toISOString() }]]]);
  });

  it('drops a message whose delivery or body is gone, of an earlier round, or already finished', async () => {
    for (const c of [
      undefined,
      { subscription: subscription(), delivery: pending() },
      { subscription: subscription(), body },
      context({}, { round: 3 }),
      context({}, { status: 'failed' }),
    ]) {
      const { delivery, calls } = attemptWith(c, ok);
      expect(await delivery.attempt(message)).toBe('stale');
      expect(calls.map((call) => call[0])).toEqual(['attemptContexts']);
    }
    const lost = attemptWith(context(), ok, { saved: false });
    expect(await lost.delivery.attempt(message)).toBe('stale');
    expect(lost.calls.map((c) => c[0])).toEqual(['attemptContexts', 'post', 'saveDelivery']);
  });

  it('fails, without posting, a delivery whose subscription was disabled or removed', async () => {
    for (const c of [context({ enabled: false }), { delivery: pending(), body }]) {
      const { delivery, calls } = attemptWith(c, ok);
      expect(await delivery.attempt(message)).toBe('failed');
      expect(calls.slice(1)).toEqual([
        ['saveDelivery', pending({ status: 'failed', nextAttemptAt: null }), 2, 1],
      ]);
    }
  });

  it('disables the subscription at a 410 and alerts its contacts, once', async () => {
    const { delivery, calls } = attemptWith(context(), { statusCode: 410, durationMs: 3, error: null });
    expect(await delivery.attempt(message)).toBe('gone');
    expect(calls.slice(2)).toEqual([
      [
        'saveDelivery',
        pending({
          status: 'failed',
          nextAttemptAt: null,
          step: 2,
          attempts: [{ at: t0.toISOString(), statusCode: 410, durationMs: 3, error: 'HTTP 410' }],
        }),
        2,
        1,
      ],
      ['disable', 'contoso', `wh_${ULID}`, 'gone', t0],
      ['alert', `wh_${ULID}`, 'gone', t0],
    ]);
    const again = attemptWith(
      context(),
      { statusCode: 410, durationMs: 3, error: null },
      { disabled: false },
    );
    expect(await again.delivery.attempt(message)).toBe('gone');
    expect(again.calls.map((c) => c[0])).not.toContain('alert');
  });

  it('starts the failing clock at the first failure and queues the retry at the next wait', async () => {
    const { delivery, calls, queued } = attemptWith(context({ failingSince: null }, { step: 0 }), {
      statusCode: null,
      durationMs: 10_000,
      error: 'timeout',
    });
    expect(await delivery.attempt(message)).toBe('retry');
    const dueAt = new Date(t0.getTime() + 5_000).toISOString();
    expect(calls.slice(2)).toEqual([
      [
        'saveDelivery',
        pending({
          step: 1,
          nextAttemptAt: dueAt,
          attempts: [{ at: t0.toISOString(), statusCode: null, durationMs: 10_000, error: 'timeout' }],
        }),
        2,
        0,
      ],
      ['setFailingSince', 'contoso', `wh_${ULID}`, t0.toISOString()],
    ]);
    expect(queued).toEqual([[{ ...message, dueAt }]]);
  });

  it('keeps retrying while failing less than 24 h, fails at the end of the schedule, and disables after 24 h', async () => {
    const failing = (since: string, step: number, now = t0) =>
      attemptWith(
        context({ failingSince: since }, { step }),
        { statusCode: 500, durationMs: 1, error: null },
        { now },
      );
    const young = failing('2026-11-24T10:00:01.000Z', 1);
    expect(await young.delivery.attempt(message)).toBe('retry');
    expect(young.calls.map((c) => c[0])).toEqual(['attemptContexts', 'post', 'saveDelivery']);
    expect(young.queued).toEqual([[{ ...message, dueAt: new Date(t0.getTime() + 60_000).toISOString() }]]);

    const last = failing('2026-11-24T10:00:01.000Z', 2);
    expect(await last.delivery.attempt(message)).toBe('failed');
    expect(last.queued).toEqual([]);

    const old = failing('2026-11-24T10:00:00.000Z', 0);
    expect(await old.delivery.attempt(message)).toBe('failed');
    expect(old.calls.slice(3)).toEqual([
      ['disable', 'contoso', `wh_${ULID}`, 'failing', t0],
      ['alert', `wh_${ULID}`, 'failing', t0],
    ]);
    expect(old.queued).toEqual([]);
    const raced = attemptWith(
      context({ failingSince: '2026-11-20T00:00:00.000Z' }),
      { statusCode: 500, durationMs: 1, error: null },
      { disabled: false },
    );
    expect(await raced.delivery.attempt(message)).toBe('failed');
    expect(raced.calls.map((c) => c[0])).not.toContain('alert');
  });

  it('logs an HTTP error for a non-2xx answer, and none for a 2xx', async () => {
    const saved = async (answer: PostResult) => {
      const { delivery, calls } = attemptWith(context(), answer);
      await delivery.attempt(message);
      const [, saved] = calls.find((c) => c[0] === 'saveDelivery') ?? [];
      return deliverySchema.parse(saved).attempts[0]?.error;
    };
    expect(await saved({ statusCode: 199, durationMs: 1, error: null })).toBe('HTTP 199');
    expect(await saved({ statusCode: 200, durationMs: 1, error: null })).toBeNull();
    expect(await saved({ statusCode: 299, durationMs: 1, error: null })).toBeNull();
    expect(await saved({ statusCode: 300, durationMs: 1, error: null })).toBe('HTTP 300');
    expect(await saved({ statusCode: 503, durationMs: 1, error: 'reset' })).toBe('reset');
  });
});
