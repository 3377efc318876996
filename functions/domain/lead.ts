/**
 * The lead and its parts, as zod schemas: the schemas are the types (STYLE.md), and the HTTP layer
 * reuses them for validation and the OpenAPI document. No AWS imports here.
 */
import * as z from 'zod/mini';
import { possibleDuplicateSchema } from './duplicates.js';
import { pureSchema } from './schema-building.js';

/** Partner and sender ids (SPEC §2). */
export const slugSchema = /* @__PURE__ */ pureSchema(() =>
  z.string().check(z.regex(/^[a-z0-9-]{2,64}$/, 'must be 2-64 characters of a-z, 0-9 and -')),
);

/** Crockford base32 ULID: time-ordered, so "newest first" is a descending sort on the id. */
export const leadIdSchema = /* @__PURE__ */ pureSchema(() =>
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a lead id')),
);

// No control characters at all on one-line fields: they end up in email subjects and headers. The
// line and paragraph separators (U+2028, U+2029) are not \p{Cc} but break a line all the same.
export const oneLineText = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.regex(
      /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]*$/u,
      'must not contain control, line-separator or bidirectional-override characters',
    ),
    // Text of only zero-width or format characters reads as empty in an email subject.
    z.regex(/[^\s\p{Cf}]/u, 'must contain a visible character'),
  );
// Free text may hold line breaks and tabs, nothing else from the control range.
const freeText = (max: number) =>
  z
    .string()
    .check(
      z.maxLength(max),
      z.regex(
        /^(?:[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u,
        'must not contain control or bidirectional-override characters other than line breaks and tabs',
      ),
    );

// Built on first use: cold starts of functions that never see money skip it.
let currencies: Set<string> | undefined;
function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

export const moneySchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    amount: z.number().check(z.minimum(0), z.maximum(1e12)),
    currency: z
      .string()
      .check(z.regex(/^[A-Z]{3}$/), z.refine(isCurrency, 'must be an ISO 4217 currency code')),
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
    email: z.email().check(z.maxLength(254)),
    phone: z.optional(oneLineText(40).check(z.regex(/^[0-9+()./ -]+$/, 'must be a phone number'))),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')),
    companySize: z.optional(z.enum(companySizes)),
  }),
);

export const needSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    title: oneLineText(200),
    description: z.optional(freeText(4000)),
    products: z.optional(z.array(oneLineText(100)).check(z.maxLength(20))),
  }),
);

export const contactSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(200),
    email: z.email().check(z.maxLength(254)),
    phone: z.optional(oneLineText(40).check(z.regex(/^[0-9+()./ -]+$/, 'must be a phone number'))),
  }),
);
export type Contact = z.infer<typeof contactSchema>;

export const dealSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(200),
    value: moneySchema,
    estimatedCloseDate: z.iso.date(),
    notes: z.optional(freeText(4000)),
    crmId: z.optional(oneLineText(128)),
    campaignId: z.optional(oneLineText(128)),
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
  z.strictObject({ reason: z.enum(declineReasons), notes: z.optional(freeText(4000)) }).check(
    z.refine((d) => d.reason !== 'other' || (d.notes?.trim().length ?? 0) > 0, {
      message: 'notes are required when the reason is other',
      path: ['notes'],
    }),
  ),
);
export type Decline = z.infer<typeof declineSchema>;

export const closeSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    notes: z.optional(freeText(4000)),
    finalValue: z.optional(moneySchema),
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
    registeredAt: z.optional(z.iso.datetime()),
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
    from: z.nullable(stageSchema),
    to: stageSchema,
    fields: z.optional(z.array(z.string())),
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
    contactRequested: z._default(z.boolean(), false),
    externalId: z.optional(oneLineText(128)),
  }),
);
export type NewLead = z.infer<typeof newLeadSchema>;

/** The stored lead: everything the platform knows, before the read-time rules are applied. */
export const leadSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: leadIdSchema,
    partnerId: slugSchema,
    type: leadTypeSchema,
    sender: z.pick(senderSchema, { id: true, kind: true, name: true }),
    customer: customerSchema,
    need: needSchema,
    externalId: z.optional(z.string()),
    contactRequested: z.boolean(),
    receivedAt: z.iso.datetime(),
    respondBy: z.iso.datetime(),
    stage: stageSchema,
    outcome: z.nullable(outcomeSchema),
    deal: z.nullable(dealSchema),
    contacts: z.array(contactSchema),
    decline: z.nullable(declineSchema),
    closed: z.nullable(z.extend(closeSchema, { at: z.iso.datetime() })),
    archivedAt: z.nullable(z.iso.datetime()),
    version: z.number().check(z.int()),
    updatedAt: z.iso.datetime(),
    history: z.array(historyEntrySchema),
    favoritedBy: z.optional(z.array(z.string())),
    /** When the unanswered-lead reminder is due (null when the window is shorter than the reminder lead time). */
    remindAt: z.optional(z.nullable(z.iso.datetime())),
    /** When the reminder was last asked for (by the reconciler), until its email is settled. */
    remindedAt: z.optional(z.iso.datetime()),
    /** When the customer's contact data was erased (retention or request, SPEC §11); the figures stay. */
    erasedAt: z.optional(z.iso.datetime()),
    /** Open leads of the same partner with the same customer, found at intake (SPEC §7.4); partner view only. */
    possibleDuplicates: z.optional(z.array(possibleDuplicateSchema)),
  }),
);
export type Lead = z.infer<typeof leadSchema>;
