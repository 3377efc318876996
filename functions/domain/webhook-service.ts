/**
 * The webhook use cases (SPEC §9): a partner's subscriptions and their delivery log; test, retry
 * and replay; the fan-out of a lead change to the subscriptions it matches. Registering and
 * changing an endpoint is in webhook-registration.ts, one delivery attempt in webhook-delivery.ts.
 * Storage, the queue, the HTTP POST and the disabled-webhook email are ports.
 */
import type { Lead } from './lead.js';
import type { Windows } from './lifecycle.js';
import { oncePerKey } from './once-per-key.js';
import type { Page } from './ports.js';
import { partnerView } from './views.js';
import {
  type Delivery,
  type DeliveryMessage,
  DeliveryNotFoundError,
  deterministicUlid,
  type EventType,
  eventSortKey,
  eventTypeOf,
  RETENTION_MS,
  rotated,
  type Subscription,
  SubscriptionDisabledError,
  SubscriptionNotFoundError,
  TEST_EVENT,
  viewOf,
} from './webhooks.js';

/** An event in a partner's 7-day log; `body` is the exact JSON every attempt signs and sends. */
export interface StoredEvent {
  partnerId: string;
  key: string;
  type: EventType;
  timestamp: string;
  leadId: string | null;
  body?: string;
}

export interface WebhookStore {
  subscriptions(partnerId: string): Promise<Subscription[]>;
  subscription(partnerId: string, id: string): Promise<Subscription | undefined>;
  /** Stores a new subscription; refuses the 11th (SubscriptionLimitError). */
  create(subscription: Subscription): Promise<void>;
  /** Replaces a subscription if it is still at `expectedVersion`. */
  replace(subscription: Subscription, expectedVersion: number): Promise<void>;
  remove(partnerId: string, id: string): Promise<void>;
  /** Stores an event once (a second put of the same key keeps the first). */
  putEvent(event: StoredEvent & { body: string }): Promise<void>;
  /** The partner's events with keys in [since, until], oldest first, without bodies. */
  eventsSince(partnerId: string, since: string, until: string): Promise<StoredEvent[]>;
  createDelivery(delivery: Delivery): Promise<{ created: boolean; current: Delivery }>;
  /**
   * Stores a new event and its new deliveries in one write, all or nothing; false (and nothing
   * written) if any of them exists already (a redelivered change: take them one by one).
   */
  createEventWithDeliveries(event: StoredEvent & { body: string }, deliveries: Delivery[]): Promise<boolean>;
  delivery(subscriptionId: string, id: string): Promise<Delivery | undefined>;
  deliveries(subscriptionId: string, limit: number, before?: string): Promise<Page<Delivery>>;
  /** Saves a delivery if it is still at that round and step; false if another attempt got there first. */
  saveDelivery(delivery: Delivery, expectedRound: number, expectedStep: number): Promise<boolean>;
  setFailingSince(partnerId: string, id: string, since: string | null): Promise<void>;
  /** Disables an enabled subscription; true if this call did it. */
  disable(partnerId: string, id: string, reason: 'gone' | 'failing', now: Date): Promise<boolean>;
  /** Each message's subscription, delivery and stored event body, by delivery id (one read for a batch). */
  attemptContexts(messages: readonly DeliveryMessage[]): Promise<Map<string, AttemptContext>>;
}

/** What one attempt needs; a part that is gone (deleted, or past its 7 days) is absent. */
export interface AttemptContext {
  subscription?: Subscription;
  delivery?: Delivery;
  body?: string;
}

export interface DeliveryQueue {
  /** Queues messages in this order, each delayed until its `dueAt` (at most 15 minutes at a time). */
  enqueue(messages: DeliveryMessage[]): Promise<void>;
}

export interface WebhookDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  clock: () => Date;
  /** A new ULID. */
  newId: () => string;
  /** A new signing secret, `whsec_` + base64 of at least 24 random bytes. */
  newSecret: () => string;
  /** The local runtime alone allows http://127.0.0.1:<port>. */
  allowLocalHttp: boolean;
}

/** The lead as the event carries it: the partner view at the change, without the per-user favorite. */
export function eventLead(lead: Lead, windows: Windows) {
  const { favorite: _favorite, ...view } = partnerView(lead, new Date(lead.updatedAt), windows, '');
  return view;
}

const pendingDelivery = (
  id: string,
  subscription: Subscription,
  event: StoredEvent,
  now: Date,
): Delivery => ({
  id,
  subscriptionId: subscription.id,
  partnerId: subscription.partnerId,
  eventType: event.type,
  leadId: event.leadId,
  eventKey: event.key,
  status: 'pending',
  attempts: [],
  nextAttemptAt: now.toISOString(),
  round: 0,
  step: 0,
  createdAt: now.toISOString(),
});

const messageOf = (d: Delivery): DeliveryMessage => ({
  partnerId: d.partnerId,
  subscriptionId: d.subscriptionId,
  deliveryId: d.id,
  eventKey: d.eventKey,
  round: d.round,
});

/** The one delivery of a lead event to a subscription: the same id however often the change is seen. */
const leadDeliveryId = (event: StoredEvent, subscriptionId: string) =>
  deterministicUlid(new Date(event.timestamp), `${event.key}|${event.type}|${subscriptionId}`);

/** A subscription of the partner's, or SubscriptionNotFoundError. */
export async function ownedSubscription(
  store: WebhookStore,
  partnerId: string,
  id: string,
): Promise<Subscription> {
  const subscription = await store.subscription(partnerId, id);
  if (!subscription) throw new SubscriptionNotFoundError();
  return subscription;
}

// The partner-facing use cases are three classes by what they need beyond the store, so a
// function bundles only its own: the endpoint check (ipaddr.js) for create and change
// (webhook-registration.ts), the delivery queue (the SQS client) for test, retry and replay.

/** A partner's subscriptions as they are: list, read, delete, rotate the secret, the delivery log. */
export class WebhookService {
  constructor(private readonly deps: Pick<WebhookDeps, 'store' | 'clock' | 'newSecret'>) {}

  async list(partnerId: string) {
    const all = await this.deps.store.subscriptions(partnerId);
    return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(viewOf);
  }

  async get(partnerId: string, id: string) {
    return viewOf(await ownedSubscription(this.deps.store, partnerId, id));
  }

  async remove(partnerId: string, id: string): Promise<void> {
    await this.deps.store.remove(partnerId, id);
  }

  async rotateSecret(partnerId: string, id: string) {
    const current = await ownedSubscription(this.deps.store, partnerId, id);
    const secret = this.deps.newSecret();
    const next = rotated(current, secret, this.deps.clock());
    await this.deps.store.replace(next, current.version);
    return { ...viewOf(next), secret };
  }

  async deliveries(partnerId: string, id: string, limit: number, before?: string): Promise<Page<Delivery>> {
    await ownedSubscription(this.deps.store, partnerId, id);
    return this.deps.store.deliveries(id, limit, before);
  }
}

/** What goes out again on the partner's request: a test event, one delivery, or a replay. */
export class WebhookResend {
  constructor(private readonly deps: Pick<WebhookDeps, 'store' | 'queue' | 'clock' | 'newId'>) {}

  /** Sends a `webhook.test` event now, through the same queue and log as any other. */
  async sendTest(partnerId: string, id: string): Promise<{ deliveryId: string }> {
    const subscription = await ownedSubscription(this.deps.store, partnerId, id);
    if (!subscription.enabled) throw new SubscriptionDisabledError();
    const now = this.deps.clock();
    const deliveryId = this.deps.newId();
    const timestamp = now.toISOString();
    const event: StoredEvent = {
      partnerId,
      key: eventSortKey(timestamp, `test#${deliveryId}`),
      type: TEST_EVENT,
      timestamp,
      leadId: null,
    };
    const body = JSON.stringify({
      type: TEST_EVENT,
      timestamp,
      data: { webhook: { id, url: subscription.url } },
    });
    await this.deps.store.putEvent({ ...event, body });
    const delivery = pendingDelivery(deliveryId, subscription, event, now);
    await this.deps.store.createDelivery(delivery);
    await this.deps.queue.enqueue([messageOf(delivery)]);
    return { deliveryId };
  }

  /** Sends one delivery again now, with the same `webhook-id`, and a fresh retry schedule. */
  async retry(partnerId: string, id: string, deliveryId: string): Promise<void> {
    const subscription = await ownedSubscription(this.deps.store, partnerId, id);
    if (!subscription.enabled) throw new SubscriptionDisabledError();
    const delivery = await this.deps.store.delivery(id, deliveryId);
    if (!delivery || delivery.partnerId !== partnerId) throw new DeliveryNotFoundError();
    const restarted = await this.restart(delivery);
    await this.deps.queue.enqueue([messageOf(restarted)]);
  }

  /** Sends again, in order, every event of the subscription's types since `since` (at most 7 days back). */
  async replay(partnerId: string, id: string, since: Date): Promise<number> {
    const subscription = await ownedSubscription(this.deps.store, partnerId, id);
    if (!subscription.enabled) throw new SubscriptionDisabledError();
    const now = this.deps.clock();
    const from = new Date(Math.max(since.getTime(), now.getTime() - RETENTION_MS)).toISOString();
    const events = (await this.deps.store.eventsSince(partnerId, from, `${now.toISOString()}~`)).filter(
      (event) => event.type !== TEST_EVENT && (subscription.events as string[]).includes(event.type),
    );
    const messages: DeliveryMessage[] = [];
    for (const event of events) {
      const fresh = pendingDelivery(leadDeliveryId(event, id), subscription, event, now);
      const { created, current } = await this.deps.store.createDelivery(fresh);
      messages.push(messageOf(created ? current : await this.restart(current)));
    }
    await this.deps.queue.enqueue(messages);
    return messages.length;
  }

  /** A new round of a delivery: pending, from the start of the schedule; older queued messages go stale. */
  private async restart(delivery: Delivery): Promise<Delivery> {
    const next: Delivery = {
      ...delivery,
      status: 'pending',
      round: delivery.round + 1,
      step: 0,
      nextAttemptAt: this.deps.clock().toISOString(),
    };
    // A concurrent restart of the same delivery wins; either way one new round goes out.
    await this.deps.store.saveDelivery(next, delivery.round, delivery.step);
    return next;
  }
}

/** The stream side: a lead change becomes one stored event and one queued delivery per matching subscription. */
export class WebhookFanOut {
  constructor(
    private readonly store: WebhookStore,
    private readonly queue: DeliveryQueue,
    private readonly windows: Windows,
    private readonly clock: () => Date,
  ) {}

  /** Each partner's subscriptions read once for as long as the returned function is kept (one batch). */
  subscriptionsOnce(): (partnerId: string) => Promise<Subscription[]> {
    return oncePerKey((partnerId) => this.store.subscriptions(partnerId));
  }

  /**
   * How many deliveries it queued (0 for bookkeeping writes and partners without a matching
   * subscription). `subscriptionsOf` lets a batch of records read each partner's subscriptions once.
   */
  async fanOut(
    previous: Lead | undefined,
    current: Lead | undefined,
    subscriptionsOf: (partnerId: string) => Promise<Subscription[]> = (p) => this.store.subscriptions(p),
  ): Promise<number> {
    const type = eventTypeOf(previous, current);
    if (!type || !current) return 0;
    const subscriptions = await subscriptionsOf(current.partnerId);
    // Kept only for partners with a subscription: replay reaches what happened since it was made.
    if (subscriptions.length === 0) return 0;
    const event: StoredEvent = {
      partnerId: current.partnerId,
      key: eventSortKey(current.updatedAt, `${current.id}#${current.version}`),
      type,
      timestamp: current.updatedAt,
      leadId: current.id,
    };
    const body = JSON.stringify({
      type,
      timestamp: current.updatedAt,
      data: { lead: eventLead(current, this.windows) },
    });
    const now = this.clock();
    const matching = subscriptions.filter((s) => s.enabled && (s.events as string[]).includes(type));
    const fresh = matching.map((subscription) =>
      pendingDelivery(leadDeliveryId(event, subscription.id), subscription, event, now),
    );
    // The usual case, a change seen for the first time: the event and its deliveries in one write.
    if (await this.store.createEventWithDeliveries({ ...event, body }, fresh)) {
      if (fresh.length > 0) await this.queue.enqueue(fresh.map(messageOf));
      return fresh.length;
    }
    await this.store.putEvent({ ...event, body });
    const messages: DeliveryMessage[] = [];
    await Promise.all(
      matching.map(async (subscription) => {
        const fresh = pendingDelivery(leadDeliveryId(event, subscription.id), subscription, event, now);
        const { created, current: stored } = await this.store.createDelivery(fresh);
        // A redelivered record finds its delivery: queued again only if no attempt was made yet
        // (the first try may have stopped between the write and the queue).
        if (created || (stored.round === 0 && stored.attempts.length === 0)) messages.push(messageOf(stored));
      }),
    );
    if (messages.length > 0) await this.queue.enqueue(messages);
    return messages.length;
  }
}
