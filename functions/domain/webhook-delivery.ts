/**
 * The queue side of webhooks (SPEC §9): one signed attempt of one delivery, and what its answer
 * means. Apart from the partner-facing use cases (webhook-service.ts) so that only the delivery
 * consumer loads the signing library (standardwebhooks, a CommonJS package a bundle evaluates at
 * import wherever its importing module is in the graph, used or not).
 */
import { Webhook } from 'standardwebhooks';
import type { AttemptContext, DeliveryQueue, WebhookStore } from './webhook-service.js';
import {
  afterAttempt,
  type Delivery,
  type DeliveryMessage,
  FAILING_LIMIT_MS,
  outcomeOf,
  type Subscription,
  signingSecrets,
  webhookIdOf,
} from './webhooks.js';

export interface PostResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface EventPoster {
  post(url: string, body: string, headers: Record<string, string>): Promise<PostResult>;
}

/** Tells the partner's confirmed contacts that a webhook was disabled. */
export interface WebhookAlerts {
  disabled(subscription: Subscription, reason: 'gone' | 'failing', at: Date): Promise<void>;
}

export interface DeliveryDeps {
  store: WebhookStore;
  queue: DeliveryQueue;
  poster: EventPoster;
  alerts: WebhookAlerts;
  clock: () => Date;
  /** Waits after the 1st, 2nd, … failed attempt (WEBHOOK_RETRY_SCHEDULE), in ms. */
  schedule: readonly number[];
}

export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'gone' | 'waiting' | 'stale';

/** The headers of a signed event: one `v1,` signature per secret that still signs (two after a rotation). */
export function signatureHeaders(
  webhookId: string,
  at: Date,
  body: string,
  secrets: readonly string[],
): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(webhookId, at, body)).join(' '),
  };
}

/** The queue side: one attempt of one delivery, and what its answer means. */
export class WebhookDelivery {
  constructor(private readonly deps: DeliveryDeps) {}

  /** Reads what a batch of messages needs, in one go (pass the result to `attempt`). */
  prefetch(messages: readonly DeliveryMessage[]): Promise<Map<string, AttemptContext>> {
    return this.deps.store.attemptContexts(messages.filter((m) => !this.waiting(m)));
  }

  private waiting(message: DeliveryMessage): boolean {
    return message.dueAt !== undefined && Date.parse(message.dueAt) > this.deps.clock().getTime();
  }

  async attempt(message: DeliveryMessage, prefetched?: Map<string, AttemptContext>): Promise<AttemptResult> {
    const { store, queue, clock } = this.deps;
    const now = clock();
    if (this.waiting(message)) {
      // A wait longer than SQS's 15-minute delay: another stretch of it.
      await queue.enqueue([message]);
      return 'waiting';
    }
    const context =
      prefetched?.get(message.deliveryId) ?? (await store.attemptContexts([message])).get(message.deliveryId);
    const { subscription, delivery, body } = context ?? {};
    // Gone past its 7 days, or a message of an earlier round (a retry or replay superseded it).
    if (!delivery || body === undefined) return 'stale';
    if (delivery.round !== message.round || delivery.status !== 'pending') return 'stale';
    if (!subscription?.enabled) {
      const failed: Delivery = { ...delivery, status: 'failed', nextAttemptAt: null };
      await store.saveDelivery(failed, delivery.round, delivery.step);
      return 'failed';
    }

    const headers = signatureHeaders(webhookIdOf(delivery.id), now, body, signingSecrets(subscription, now));
    const result = await this.deps.poster.post(subscription.url, body, headers);
    const finished = clock();
    const outcome = outcomeOf(result.statusCode, delivery.step, this.deps.schedule, finished);
    const attempt = {
      at: now.toISOString(),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error:
        result.error ??
        (result.statusCode !== null && (result.statusCode < 200 || result.statusCode >= 300)
          ? `HTTP ${result.statusCode}`
          : null),
    };
    const saved = await store.saveDelivery(
      afterAttempt(delivery, attempt, outcome),
      delivery.round,
      delivery.step,
    );
    if (!saved) return 'stale';

    const { partnerId, id } = subscription;
    switch (outcome.kind) {
      case 'delivered':
        if (subscription.failingSince !== null) await store.setFailingSince(partnerId, id, null);
        return 'delivered';
      case 'gone':
        if (await store.disable(partnerId, id, 'gone', finished))
          await this.deps.alerts.disabled(subscription, 'gone', finished);
        return 'gone';
      default: {
        if (subscription.failingSince === null) {
          await store.setFailingSince(partnerId, id, finished.toISOString());
        } else if (finished.getTime() - Date.parse(subscription.failingSince) >= FAILING_LIMIT_MS) {
          if (await store.disable(partnerId, id, 'failing', finished))
            await this.deps.alerts.disabled(subscription, 'failing', finished);
          return 'failed';
        }
        if (outcome.kind === 'retry') {
          await queue.enqueue([{ ...message, dueAt: outcome.at.toISOString() }]);
          return 'retry';
        }
        return 'failed';
      }
    }
  }
}
