/**
 * What SES tells about sent mail (SPEC §6): bounce and complaint events, as the configuration
 * set's EventBridge destination delivers them. A hard bounce or a complaint suppresses the address;
 * soft bounces do not (the mailbox may be full today and fine tomorrow).
 */
import * as z from 'zod/mini';
import type { Suppression } from './contacts.js';
import { pureSchema } from './schema-building.js';

const recipients = /* @__PURE__ */ pureSchema(() =>
  z.array(z.object({ emailAddress: z.string().check(z.minLength(3)) })),
);

const detailSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    eventType: z.string(),
    bounce: z.optional(
      z.object({ bounceType: z.string(), bouncedRecipients: recipients, timestamp: z.optional(z.string()) }),
    ),
    complaint: z.optional(z.object({ complainedRecipients: recipients, timestamp: z.optional(z.string()) })),
    mail: z.optional(z.object({ timestamp: z.optional(z.string()), messageId: z.optional(z.string()) })),
  }),
);

/** An SES event as EventBridge delivers it (source `aws.ses`). */
export const sesEventSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    source: z.literal('aws.ses'),
    'detail-type': z.string(),
    time: z.optional(z.string()),
    detail: detailSchema,
  }),
);
export type SesEvent = z.infer<typeof sesEventSchema>;

export interface SuppressionOf extends Suppression {
  address: string;
}

/** The addresses an event suppresses, with why and when; none for soft bounces and other events. */
export function suppressionsOf(event: SesEvent, now: Date): SuppressionOf[] {
  const { detail } = event;
  const at = (timestamp: string | undefined) =>
    timestamp && !Number.isNaN(Date.parse(timestamp)) ? new Date(timestamp).toISOString() : now.toISOString();
  if (detail.eventType === 'Bounce' && detail.bounce?.bounceType === 'Permanent') {
    return detail.bounce.bouncedRecipients.map((r) => ({
      address: r.emailAddress,
      reason: 'bounce',
      at: at(detail.bounce?.timestamp ?? event.time),
    }));
  }
  if (detail.eventType === 'Complaint' && detail.complaint) {
    return detail.complaint.complainedRecipients.map((r) => ({
      address: r.emailAddress,
      reason: 'complaint',
      at: at(detail.complaint?.timestamp ?? event.time),
    }));
  }
  return [];
}
