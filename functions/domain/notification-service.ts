/**
 * Turns what a lead change announces (SPEC §6) into a complete email for the durable queue: who
 * receives it, what it says, and the key its exactly-once marker is taken on. Sending is
 * `EmailDelivery`'s job, later, from the queue.
 */
import type { EmailMessage } from './email-message.js';
import type { Lead, Sender } from './lead.js';
import type { Notification, NotificationKind } from './notifications.js';
import { oncePerKey } from './once-per-key.js';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Where the addresses come from. */
export interface RecipientDirectory {
  /** The partner's alert contacts that have confirmed their address and are not suppressed. */
  alertRecipients(partnerId: string): Promise<string[]>;
  sender(senderId: string): Promise<Sender | undefined>;
  /** Those of `addresses` that bounced or complained (lower-cased). */
  suppressed(addresses: string[]): Promise<Set<string>>;
}

export type Render = (kind: NotificationKind, lead: Lead) => EmailContent;

/** At most this many recipients per message: SES takes no more. */
export const MAX_RECIPIENTS = 50;

export class NotificationService {
  constructor(
    private readonly directory: RecipientDirectory,
    private readonly render: Render,
    private readonly clock: () => Date,
  ) {}

  /**
   * Each partner's alert recipients read once for as long as the returned function is kept (one
   * stream batch): a burst of one partner's new leads reads its profile and contacts once per
   * batch, not twice per lead. Recipients are as they stand when the batch first needs them.
   */
  alertRecipientsOnce(): (partnerId: string) => Promise<string[]> {
    return oncePerKey((partnerId) => this.directory.alertRecipients(partnerId));
  }

  /** Who is told of each kind of event, before suppression. */
  private async candidates(
    { kind, lead }: Notification,
    alertRecipientsOf: (partnerId: string) => Promise<string[]>,
  ): Promise<string[]> {
    switch (kind) {
      case 'lead-declined':
        // An erased customer asked to be forgotten: nobody is left to tell.
        return lead.erasedAt ? [] : [lead.customer.email];
      case 'lead-expired': {
        const sender = await this.directory.sender(lead.sender.id);
        return sender ? [sender.notificationEmail] : [];
      }
      case 'lead-received':
      case 'lead-reminder':
        return alertRecipientsOf(lead.partnerId);
    }
  }

  /**
   * The email a notification calls for; `undefined` when nobody may receive it.
   * `alertRecipientsOf` lets a batch of records read each partner's recipients once.
   */
  async compose(
    notification: Notification,
    alertRecipientsOf: (partnerId: string) => Promise<string[]> = (p) => this.directory.alertRecipients(p),
  ): Promise<EmailMessage | undefined> {
    const { kind, lead } = notification;
    const candidates = [
      ...new Set((await this.candidates(notification, alertRecipientsOf)).map((a) => a.toLowerCase())),
    ];
    const suppressed = candidates.length > 0 ? await this.directory.suppressed(candidates) : new Set();
    const to = candidates.filter((a) => !suppressed.has(a)).slice(0, MAX_RECIPIENTS);
    if (to.length === 0) return undefined;
    return {
      version: 1,
      key: { type: 'lead', leadId: lead.id, kind },
      to,
      ...this.render(kind, lead),
      tags: { notification: kind },
      queuedAt: this.clock().toISOString(),
    };
  }
}
