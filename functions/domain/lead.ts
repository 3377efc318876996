/**
 * The lead and its parts, as zod schemas: the schemas are the types (STYLE.md), and the HTTP layer
 * reuses them for validation and the OpenAPI document. No AWS imports here.
 */
import * as z from 'zod';
import { possibleDuplicateSchema } from './duplicates.js';
import { pureSchema } from './schema-building.js';

/** Partner and sender ids (SPEC §2). */
export const slugSchema = /* @__PURE__ */ pureSchema(() =>
  z.string().regex(/^[a-z0-9-]{2,64}$/, 'must be 2-64 characters of a-z, 0-9 and -'),
);

/** Crockford base32 ULID: time-ordered, so "newest first" is a descending sort on the id. */
export const leadIdSchema = /* @__PURE__ */ pureSchema(() =>
  z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a lead id'),
);

// No control characters at all on one-line fields: they end up in email subjects and headers. The
// line and paragraph separators (U+2028, U+2029) are not \p{Cc} but break a line all the same.
export const oneLineText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(
      /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]*$/u,
      'must not contain control, line-separator or bidirectional-override characters',
    )
    // Text of only zero-width or format characters reads as empty in an email subject.
    .regex(/[^\s\p{Cf}]/u, 'must contain a visible character');
// Free text may hold line breaks and tabs, nothing else from the control range.
const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(
      /^(?:[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u,
      'must not contain control or bidirectional-override characters other than line breaks and tabs',
    );

// Built on first use: cold starts of functions that never see money skip it.
let currencies: Set<string> | undefined;
function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

export const moneySchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    amount: z.number().finite().min(0).max(1e12),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .refine(isCurrency, 'must be an ISO 4217 currency code'),
  }),
);

export const leadTypes = ['customer-inquiry', 'marketing-qualified', 'sales-qualified'] as const;
export const leadTypeSchema = /* @__PURE__ */ pureSchema(() => z.enum(leadTypes));
export type LeadType = z.infer<typeof leadTypeSchema>;

export const tabs = ['marketplace', 'qualified'] as const;
export type Tab = (typeof tabs)[number];
/** Customer inquiries come from the public profile (marketplace); the vendor's staff send qualified leads. */
export const tabOf = (type: LeadType): Tab => (type === 'customer-inquiry' ? 'marketplace' : 'qualified');

export const stages = ['received', 'accepted', 'archived'] as const;
export const stageSchema = /* @__PURE__ */ pureSchema(() => z.enum(stages));
export type Stage = z.infer<typeof stageSchema>;

export const outcomeSchema = /* @__PURE__ */ pureSchema(() => z.enum(['won', 'lost', 'declined', 'expired']));
export type Outcome = z.infer<typeof outcomeSchema>;

export const companySizes = ['1-9', '10-49', '50-249', '250-999', '1000+'] as const;

export const customerSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    companyName: oneLineText(200),
    contactName: oneLineText(200),
    email: z.email().max(254),
    phone: oneLineText(40)
      .regex(/^[0-9+()./ -]+$/, 'must be a phone number')
      .optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
    companySize: z.enum(companySizes).optional(),
  }),
);

export const needSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    title: oneLineText(200),
    description: freeText(4000).optional(),
    products: z.array(oneLineText(100)).max(20).optional(),
  }),
);

export const contactSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(200),
    email: z.email().max(254),
    phone: oneLineText(40)
      .regex(/^[0-9+()./ -]+$/, 'must be a phone number')
      .optional(),
  }),
);
export type Contact = z.infer<typeof contactSchema>;

export const dealSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(200),
    value: moneySchema,
    estimatedCloseDate: z.iso.date(),
    notes: freeText(4000).optional(),
    crmId: oneLineText(128).optional(),
    campaignId: oneLineText(128).optional(),
  }),
);
export type Deal = z.infer<typeof dealSchema>;

export const declineReasons = [
  'not-a-fit',
  'need-unclear',
  'no-capacity',
  'outside-service-area',
  'customer-unreachable',
  'duplicate',
  'other',
] as const;

export const declineSchema = /* @__PURE__ */ pureSchema(() =>
  z
    .strictObject({ reason: z.enum(declineReasons), notes: freeText(4000).optional() })
    .refine((d) => d.reason !== 'other' || (d.notes?.trim().length ?? 0) > 0, {
      message: 'notes are required when the reason is other',
      path: ['notes'],
    }),
);
export type Decline = z.infer<typeof declineSchema>;

export const closeSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    notes: freeText(4000).optional(),
    finalValue: moneySchema.optional(),
  }),
);
export type Close = z.infer<typeof closeSchema>;

export const senderKinds = ['microsoft', 'partner'] as const;
export const senderSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: slugSchema,
    kind: z.enum(senderKinds),
    name: oneLineText(200),
    notificationEmail: z.email(),
    /** When the sender was first registered: it can have sent no lead before. */
    registeredAt: z.iso.datetime().optional(),
  }),
);
export type Sender = z.infer<typeof senderSchema>;

/** Who did something: a partner user (by `sub`), a sender system, or the platform itself. */
export const actorSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    type: z.enum(['partner-user', 'sender', 'system']),
    id: z.string(),
  }),
);
export type Actor = z.infer<typeof actorSchema>;

export const actions = [
  'receive',
  'accept',
  'decline',
  'edit',
  'add-contacts',
  'won',
  'lost',
  'expire',
] as const;
export type Action = (typeof actions)[number];

export const historyEntrySchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    at: z.string(),
    by: actorSchema,
    action: z.enum(actions),
    from: stageSchema.nullable(),
    to: stageSchema,
    fields: z.array(z.string()).optional(),
  }),
);
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** What a sender posts (SPEC §4, POST /v1/leads). */
export const newLeadSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    partnerId: slugSchema,
    type: leadTypeSchema,
    customer: customerSchema,
    need: needSchema,
    contactRequested: z.boolean().default(false),
    externalId: oneLineText(128).optional(),
  }),
);
export type NewLead = z.infer<typeof newLeadSchema>;

/** The stored lead: everything the platform knows, before the read-time rules are applied. */
export const leadSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: leadIdSchema,
    partnerId: slugSchema,
    type: leadTypeSchema,
    sender: senderSchema.pick({ id: true, kind: true, name: true }),
    customer: customerSchema,
    need: needSchema,
    externalId: z.string().optional(),
    contactRequested: z.boolean(),
    receivedAt: z.iso.datetime(),
    respondBy: z.iso.datetime(),
    stage: stageSchema,
    outcome: outcomeSchema.nullable(),
    deal: dealSchema.nullable(),
    contacts: z.array(contactSchema),
    decline: declineSchema.nullable(),
    closed: closeSchema.extend({ at: z.iso.datetime() }).nullable(),
    archivedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    updatedAt: z.iso.datetime(),
    history: z.array(historyEntrySchema),
    favoritedBy: z.array(z.string()).optional(),
    /** When the unanswered-lead reminder is due (null when the window is shorter than the reminder lead time). */
    remindAt: z.iso.datetime().nullable().optional(),
    /** When the reminder was last asked for (by the reconciler), until its email is settled. */
    remindedAt: z.iso.datetime().optional(),
    /** When the customer's contact data was erased (retention or request, SPEC §11); the figures stay. */
    erasedAt: z.iso.datetime().optional(),
    /** Open leads of the same partner with the same customer, found at intake (SPEC §7.4); partner view only. */
    possibleDuplicates: z.array(possibleDuplicateSchema).optional(),
  }),
);
export type Lead = z.infer<typeof leadSchema>;
