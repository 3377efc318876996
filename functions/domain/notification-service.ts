/**
 * Delivers the emails of SPEC §6 exactly once per event: a conditional marker per lead and event
 * is reserved before sending and confirmed after, so a stream record delivered twice sends once,
 * and a failed send releases the reservation for the retry.
 */
import type { Lead, Sender } from './lead.js';
import type { Notification, NotificationKind } from './notifications.js';
import { alertRecipients, type Profile } from './profile.js';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The notification kind, as an SES message tag. */
  tag: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<string>;
}

export interface NotificationStore {
  /** True when this call reserved the (lead, kind) marker; false when it is sent or being sent. */
  reserve(leadId: string, kind: NotificationKind, now: Date): Promise<boolean>;
  confirm(
    leadId: string,
    kind: NotificationKind,
    detail: { recipients: number; messageId?: string },
  ): Promise<void>;
  release(leadId: string, kind: NotificationKind): Promise<void>;
  profile(partnerId: string): Promise<Profile | undefined>;
  sender(senderId: string): Promise<Sender | undefined>;
}

export type Render = (kind: NotificationKind, lead: Lead) => { subject: string; text: string; html: string };

export type Delivery = 'sent' | 'duplicate' | 'no-recipients';

export class NotificationService {
  constructor(
    private readonly store: NotificationStore,
    private readonly mailer: Mailer,
    private readonly render: Render,
    private readonly clock: () => Date,
  ) {}

  /** Who is told of each kind of event. */
  private async recipients({ kind, lead }: Notification): Promise<string[]> {
    switch (kind) {
      case 'lead-declined':
        return [lead.customer.email];
      case 'lead-expired': {
        const sender = await this.store.sender(lead.sender.id);
        return sender ? [sender.notificationEmail] : [];
      }
      case 'lead-received':
      case 'lead-reminder':
        return alertRecipients(await this.store.profile(lead.partnerId));
    }
  }

  async deliver(notification: Notification): Promise<Delivery> {
    const { kind, lead } = notification;
    if (!(await this.store.reserve(lead.id, kind, this.clock()))) return 'duplicate';
    try {
      const to = await this.recipients(notification);
      if (to.length === 0) {
        await this.store.confirm(lead.id, kind, { recipients: 0 });
        return 'no-recipients';
      }
      const messageId = await this.mailer.send({ to, ...this.render(kind, lead), tag: kind });
      await this.store.confirm(lead.id, kind, { recipients: to.length, messageId });
      return 'sent';
    } catch (error) {
      await this.store.release(lead.id, kind).catch(() => undefined);
      throw error;
    }
  }
}
