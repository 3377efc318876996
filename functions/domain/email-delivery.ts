/**
 * Sends a queued email exactly once per key: a conditional marker is reserved before sending and
 * confirmed after, so a message received twice (or queued twice from a stream record delivered
 * twice) sends once, and a failed send gives the reservation back so a later attempt can send.
 * Confirmations are returned rather than written, so a consumer can write a whole batch of them in
 * one request.
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

/** Another attempt holds the reservation right now: try again later (it may yet fail and give it back). */
export class DeliveryInProgressError extends Error {
  override readonly name = 'DeliveryInProgressError';
}

export interface SentEmail {
  key: EmailKey;
  recipients: number;
  messageId: string;
  at: Date;
}

export interface DeliveryMarkers {
  /**
   * Reserves the key: `reserved` for this call; `sent` when its email went out; `busy` while
   * another attempt holds a fresh reservation (a stale one, left by a sender that died, is taken over).
   */
  reserve(key: EmailKey, now: Date): Promise<'reserved' | 'sent' | 'busy'>;
  /** Records sent emails (one write for many). */
  confirm(sent: SentEmail[]): Promise<void>;
  release(key: EmailKey): Promise<void>;
}

export type DeliveryResult = { outcome: 'sent'; sent: SentEmail } | { outcome: 'duplicate' };

export class EmailDelivery {
  constructor(
    private readonly markers: DeliveryMarkers,
    private readonly mailer: Mailer,
    private readonly clock: () => Date,
  ) {}

  /** Sends the email unless its key was sent; the caller confirms what was sent. */
  async deliver(message: EmailMessage): Promise<DeliveryResult> {
    const reservation = await this.markers.reserve(message.key, this.clock());
    if (reservation === 'sent') return { outcome: 'duplicate' };
    if (reservation === 'busy') throw new DeliveryInProgressError('another attempt is sending this email');
    let messageId: string;
    try {
      messageId = await this.mailer.send(message);
    } catch (error) {
      await this.markers.release(message.key).catch(() => undefined);
      throw error;
    }
    return {
      outcome: 'sent',
      sent: { key: message.key, recipients: message.to.length, messageId, at: this.clock() },
    };
  }
}
