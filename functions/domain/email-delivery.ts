/**
 * Sends a queued email exactly once per key: a conditional marker is reserved before sending and
 * confirmed after, so a message received twice (or queued twice from a stream record delivered
 * twice) sends once, and a failed send releases the reservation so a later attempt can send.
 */
import type { EmailKey, EmailMessage } from './email-message.js';

export interface Mailer {
  /** Sends one email; resolves to the provider's message id. */
  send(email: Pick<EmailMessage, 'to' | 'subject' | 'text' | 'html' | 'tags'>): Promise<string>;
}

/** A failure that no retry can fix (the provider refused the message itself). */
export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

export interface DeliveryMarkers {
  /** True when this call reserved the key; false when its email is sent or being sent. */
  reserve(key: EmailKey, now: Date): Promise<boolean>;
  confirm(key: EmailKey, detail: { recipients: number; messageId: string; at: Date }): Promise<void>;
  release(key: EmailKey): Promise<void>;
}

export type DeliveryOutcome = 'sent' | 'duplicate';

export class EmailDelivery {
  constructor(
    private readonly markers: DeliveryMarkers,
    private readonly mailer: Mailer,
    private readonly clock: () => Date,
  ) {}

  async deliver(message: EmailMessage): Promise<DeliveryOutcome> {
    if (!(await this.markers.reserve(message.key, this.clock()))) return 'duplicate';
    let messageId: string;
    try {
      messageId = await this.mailer.send(message);
    } catch (error) {
      await this.markers.release(message.key).catch(() => undefined);
      throw error;
    }
    // Sent: a failed confirmation must not release the reservation, or a retry would send again.
    await this.markers.confirm(message.key, { recipients: message.to.length, messageId, at: this.clock() });
    return 'sent';
  }
}
