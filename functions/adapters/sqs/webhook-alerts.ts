/** Emails a partner's confirmed contacts, through the durable email queue, that a webhook was disabled. */
import type { EmailQueue } from '../../domain/email-message.js';
import { MAX_RECIPIENTS, type RecipientDirectory } from '../../domain/notification-service.js';
import type { WebhookAlerts } from '../../domain/webhook-delivery.js';
import type { Subscription } from '../../domain/webhooks.js';
import { renderWebhookDisabled } from '../ses/templates.js';

export class QueuedWebhookAlerts implements WebhookAlerts {
  constructor(
    private readonly directory: Pick<RecipientDirectory, 'alertRecipients' | 'suppressed'>,
    private readonly queue: EmailQueue,
  ) {}

  async disabled(subscription: Subscription, reason: 'gone' | 'failing', at: Date): Promise<void> {
    const candidates = [
      ...new Set((await this.directory.alertRecipients(subscription.partnerId)).map((a) => a.toLowerCase())),
    ];
    const suppressed = candidates.length > 0 ? await this.directory.suppressed(candidates) : new Set();
    const to = candidates.filter((a) => !suppressed.has(a)).slice(0, MAX_RECIPIENTS);
    // Nobody confirmed an address: the subscription's disabledReason still tells, in the API and console.
    if (to.length === 0) return;
    const content = renderWebhookDisabled({
      id: subscription.id,
      partnerId: subscription.partnerId,
      url: subscription.url,
      reason,
      at: at.toISOString(),
    });
    await this.queue.enqueue({
      version: 1,
      key: {
        type: 'webhook-disabled',
        partnerId: subscription.partnerId,
        subscriptionId: subscription.id,
        at: at.toISOString(),
      },
      to,
      ...content,
      tags: { kind: 'webhook-disabled' },
      queuedAt: at.toISOString(),
    });
  }
}
