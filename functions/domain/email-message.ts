/**
 * An email as it waits in the durable queue (SPEC §6 "Durable delivery"): everything needed to
 * send it and to send it once, nothing that points back into the table's stream (whose records
 * vanish after 24 hours). The notifier writes these; the email sender reads them.
 */
import * as z from 'zod/mini';
import { leadIdSchema, slugSchema } from './lead.js';
import { pureSchema } from './schema-building.js';

export const leadNotificationKinds = [
  'lead-received',
  'lead-declined',
  'lead-expired',
  'lead-reminder',
] as const;

/** What the exactly-once marker of an email is keyed on: a lead event, or one confirmation request. */
export const emailKeySchema = /* @__PURE__ */ pureSchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('lead'), leadId: leadIdSchema, kind: z.enum(leadNotificationKinds) }),
    z.object({
      type: z.literal('confirmation'),
      partnerId: slugSchema,
      /** The confirmation request (one per token), not the address. */
      requestId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
    }),
    /** A webhook disabled (SPEC §9): once per subscription and time it was disabled. */
    z.object({
      type: z.literal('webhook-disabled'),
      partnerId: slugSchema,
      subscriptionId: z.string().check(z.regex(/^wh_[0-9A-Z]{26}$/)),
      at: z.iso.datetime(),
    }),
  ]),
);
export type EmailKey = z.infer<typeof emailKeySchema>;

export const emailMessageSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    version: z.literal(1),
    key: emailKeySchema,
    /** At most 50: SES takes no more in one message. */
    to: z.array(z.email()).check(z.minLength(1), z.maxLength(50)),
    subject: z.string().check(z.minLength(1), z.maxLength(200)),
    text: z.string(),
    html: z.string(),
    /** SES message tags (name -> value), e.g. the notification kind. */
    tags: z.record(
      z.string().check(z.regex(/^[A-Za-z0-9_-]{1,256}$/)),
      z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,256}$/)),
    ),
    queuedAt: z.iso.datetime(),
  }),
);
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/** One string per email key: the FIFO message group and deduplication id, and the marker's id. */
export function emailKeyId(key: EmailKey): string {
  switch (key.type) {
    case 'lead':
      return `lead:${key.leadId}:${key.kind}`;
    case 'confirmation':
      return `confirmation:${key.requestId}`;
    case 'webhook-disabled':
      return `webhook-disabled:${key.subscriptionId}:${key.at}`;
  }
}

/** The message's identity for logs: keys only, never an address or a body (they hold personal data). */
export function describeKey(key: EmailKey): Record<string, string> {
  switch (key.type) {
    case 'lead':
      return { email: key.kind, leadId: key.leadId };
    case 'confirmation':
      return { email: 'contact-confirmation', partnerId: key.partnerId, requestId: key.requestId };
    case 'webhook-disabled':
      return { email: 'webhook-disabled', partnerId: key.partnerId, subscriptionId: key.subscriptionId };
  }
}

/** The durable queue emails wait in until they are sent. */
export interface EmailQueue {
  enqueue(message: EmailMessage): Promise<void>;
}
