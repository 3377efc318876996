/**
 * Registering a webhook endpoint and changing it (SPEC §9): the two use cases that check an
 * endpoint's address (address-safety.ts), apart from the other partner-facing ones
 * (webhook-service.ts) so that only their functions load ipaddr.js, a CommonJS package a bundle
 * evaluates at import wherever its importing module is in the graph.
 */
import { checkEndpoint } from './address-safety.js';
import { ownedSubscription, type WebhookDeps } from './webhook-service.js';
import { type Subscription, type SubscriptionInput, type SubscriptionPatch, viewOf } from './webhooks.js';

/** Creates a subscription, or changes one, to an endpoint checked for safety. */
export class WebhookRegistration {
  constructor(
    private readonly deps: Pick<WebhookDeps, 'store' | 'clock' | 'newId' | 'newSecret' | 'allowLocalHttp'>,
  ) {}

  async create(partnerId: string, input: SubscriptionInput) {
    const url = checkEndpoint(input.url, this.deps).href;
    const now = this.deps.clock().toISOString();
    const secret = this.deps.newSecret();
    const subscription: Subscription = {
      id: `wh_${this.deps.newId()}`,
      partnerId,
      url,
      events: input.events,
      description: input.description ?? null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
      failingSince: null,
      secrets: [{ value: secret, expiresAt: null }],
      version: 1,
    };
    await this.deps.store.create(subscription);
    return { ...viewOf(subscription), secret };
  }

  async change(partnerId: string, id: string, patch: SubscriptionPatch) {
    const current = await ownedSubscription(this.deps.store, partnerId, id);
    const url = patch.url === undefined ? current.url : checkEndpoint(patch.url, this.deps).href;
    const enabled = patch.enabled ?? current.enabled;
    const next: Subscription = {
      ...current,
      url,
      events: patch.events ?? current.events,
      description: patch.description === undefined ? current.description : patch.description,
      enabled,
      disabledReason: enabled ? null : patch.enabled === false ? 'by-partner' : current.disabledReason,
      // A new address, or a fresh start, gets a full day before it counts as failing.
      failingSince: url !== current.url || (enabled && !current.enabled) ? null : current.failingSince,
      updatedAt: this.deps.clock().toISOString(),
      version: current.version + 1,
    };
    await this.deps.store.replace(next, current.version);
    return viewOf(next);
  }
}
