/**
 * Sends queued emails exactly once per key. The queue is FIFO with one message group per key, so
 * copies of an email are never in flight in two batches at once: a batch reads which of its keys
 * were sent already (one read for the batch), sends the others (a second copy in the same batch is
 * dropped), and records them as sent (one write for the batch). A copy received later finds its
 * key sent and is dropped.
 *
 * One gap remains, as with any sender that cannot make the provider's send and its own record
 * atomic: if the function dies after SES accepted an email and before the batch is recorded, that
 * email is sent again when its message comes back. Nothing is ever lost.
 */
import { type EmailKey, type EmailMessage, emailKeyId } from './email-message.js';

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

export interface SentEmail {
  key: EmailKey;
  recipients: number;
  messageId: string;
  at: Date;
}

export interface DeliveryMarkers {
  /** The ids (`emailKeyId`) of those keys whose email went out already. */
  sent(keys: EmailKey[]): Promise<Set<string>>;
  /** Records sent emails (one write for many). */
  confirm(sent: SentEmail[]): Promise<void>;
}

/** One batch of deliveries: what was sent before it, what it is sending, and what it sent. */
export interface DeliveryBatch {
  readonly before: ReadonlySet<string>;
  /** Keys an attempt of this batch has taken: a second copy in the same batch is a duplicate. */
  readonly taken: Set<string>;
  readonly sent: SentEmail[];
}

export type DeliveryOutcome = 'sent' | 'duplicate';

export class EmailDelivery {
  constructor(
    private readonly markers: DeliveryMarkers,
    private readonly mailer: Mailer,
    private readonly clock: () => Date,
  ) {}

  /** Starts a batch: one read says which of its emails were sent already. */
  async begin(messages: EmailMessage[]): Promise<DeliveryBatch> {
    const before =
      messages.length > 0 ? await this.markers.sent(messages.map((m) => m.key)) : new Set<string>();
    return { before, taken: new Set(), sent: [] };
  }

  /**
   * Sends the email unless its key was sent before, or another copy in this batch (the records of
   * a batch are processed side by side) has taken it: that copy's message carries the email from
   * now on, and is retried if its send fails.
   */
  async deliver(message: EmailMessage, batch: DeliveryBatch): Promise<DeliveryOutcome> {
    const id = emailKeyId(message.key);
    if (batch.before.has(id) || batch.taken.has(id)) return 'duplicate';
    batch.taken.add(id);
    const messageId = await this.mailer.send(message);
    batch.sent.push({ key: message.key, recipients: message.to.length, messageId, at: this.clock() });
    return 'sent';
  }

  /** Records what the batch sent, in one write. */
  async finish(batch: DeliveryBatch): Promise<void> {
    if (batch.sent.length > 0) await this.markers.confirm(batch.sent);
  }
}
