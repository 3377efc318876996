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
// line and paragraph separators (U+2028, U+2029) are not control characters but break a line all the
// same. The classes are spelled as ranges, not \p{Cc}, \p{Cs}, \p{Zl}, \p{Zp}: those categories are
// closed (Unicode's stability policy), so the ranges match the same characters, and V8 checks every
// regex literal of a bundle as it parses it, a \p{…} class by building its set from ICU's tables:
// 2-4 M instructions (0.3-0.6 ms) of a lead function's cold start (README, cold start). U+0000–U+001F and
// U+007F–U+009F are \p{Cc}, U+D800–U+DFFF (lone surrogates, under the u flag) \p{Cs}.
export const oneLineText = (max: number) =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(max),
    z.regex(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: it finds control characters to refuse them
      /^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF\u2028\u2029\u202A-\u202E\u2066-\u2069]*$/u,
      'must not contain control, line-separator or bidirectional-override characters',
    ),
    // Text of only zero-width or format characters reads as empty in an email subject.
    z.regex(/[^\s\p{Cf}]/u, 'must contain a visible character'),
  );
// Free text may hold line breaks and tabs, nothing else from the control range.
const freeText = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.regex(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: it finds control characters to refuse them
      /^(?:[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u,
      'must not contain control or bidirectional-override characters other than line breaks and tabs',
    ),
  );

// Built on first use: cold starts of functions that never see money skip it.
let currencies: Set<string> | undefined;
function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

/**
 * How a field list is checked, in two modes, so that each list below (customer, need, deal, the
 * stored lead …) is written once. `inputRules` hold every content rule a client's text must pass:
 * trimmed one-line text without control characters, addresses, formats, lengths, strict objects.
 * A stored item passed them on its way in, so reading it back needs only its shape, `storedRules`:
 * the types, enums, nullability and arrays that make it a `Lead`. Reading with the content rules
 * re-ran every rule on every item of a list, and built about 210 schemas and checks (4.5 ms) at the
 * cold start of every function that reads a lead (README, cold start).
 */
export interface FieldRules {
  /** Inputs refuse unknown keys; a stored item drops them (its key and index attributes). */
  object<S extends z.core.$ZodLooseShape>(shape: S): z.ZodMiniObject<z.core.util.Writeable<S>, z.core.$strip>;
  /** At most `max` items. */
  list<T extends z.core.SomeType>(item: T, max: number): z.ZodMiniArray<T>;
  /** A cross-field rule. */
  refine<T extends z.ZodMiniType>(schema: T, rule: (value: z.output<T>) => boolean, issue: RuleIssue): T;
  slug(): Text;
  leadId(): Text;
  text(max: number): Text;
  freeText(max: number): Text;
  email(): Text;
  phone(): Text;
  country(): Text;
  currency(): Text;
  amount(): z.ZodMiniType<number, number>;
  date(): Text;
  datetime(): Text;
}
type Text = z.ZodMiniType<string, string>;
interface RuleIssue {
  message: string;
  path?: PropertyKey[];
}

/** Every content rule: what a client may send. */
export const inputRules: FieldRules = {
  object: z.strictObject,
  list: (item, max) => z.array(item).check(z.maxLength(max)),
  refine: (schema, rule, issue) => schema.check(z.refine(rule, issue)),
  slug: () => slugSchema,
  leadId: () => leadIdSchema,
  text: oneLineText,
  freeText,
  email: () => z.email().check(z.maxLength(254)),
  phone: () => oneLineText(40).check(z.regex(/^[0-9+()./ -]+$/, 'must be a phone number')),
  country: () => z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')),
  currency: () =>
    z.string().check(z.regex(/^[A-Z]{3}$/), z.refine(isCurrency, 'must be an ISO 4217 currency code')),
  amount: () => z.number().check(z.minimum(0), z.maximum(1e12)),
  date: () => z.iso.date(),
  datetime: () => z.iso.datetime(),
};

// One schema serves every stored string and number: without checks one is as good as another, and
// one per field was about 30 more schemas to build at the cold start of every lead function.
const anyString = /* @__PURE__ */ pureSchema(() => z.string());
const anyNumber = /* @__PURE__ */ pureSchema(() => z.number());
const string = () => anyString;

/** The shape alone: what reading back an item that passed `inputRules` needs. */
export const storedRules: FieldRules = {
  object: z.object,
  list: (item) => z.array(item),
  refine: (schema) => schema,
  slug: string,
  leadId: string,
  text: string,
  freeText: string,
  email: string,
  phone: string,
  country: string,
  currency: string,
  amount: () => anyNumber,
  date: string,
  datetime: string,
};

export const moneyOf = (rules: FieldRules) =>
  rules.object({ amount: rules.amount(), currency: rules.currency() });
export const moneySchema = /* @__PURE__ */ pureSchema(() => moneyOf(inputRules));

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

export const customerOf = (rules: FieldRules) =>
  rules.object({
    companyName: rules.text(200),
    contactName: rules.text(200),
    email: rules.email(),
    phone: z.optional(rules.phone()),
    country: rules.country(),
    companySize: z.optional(z.enum(companySizes)),
  });
export const customerSchema = /* @__PURE__ */ pureSchema(() => customerOf(inputRules));

export const needOf = (rules: FieldRules) =>
  rules.object({
    title: rules.text(200),
    description: z.optional(rules.freeText(4000)),
    products: z.optional(rules.list(rules.text(100), 20)),
  });
export const needSchema = /* @__PURE__ */ pureSchema(() => needOf(inputRules));

export const contactOf = (rules: FieldRules) =>
  rules.object({ name: rules.text(200), email: rules.email(), phone: z.optional(rules.phone()) });
export const contactSchema = /* @__PURE__ */ pureSchema(() => contactOf(inputRules));
export type Contact = z.infer<typeof contactSchema>;

export const dealOf = (rules: FieldRules) =>
  rules.object({
    name: rules.text(200),
    value: moneyOf(rules),
    estimatedCloseDate: rules.date(),
    notes: z.optional(rules.freeText(4000)),
    crmId: z.optional(rules.text(128)),
    campaignId: z.optional(rules.text(128)),
  });
export const dealSchema = /* @__PURE__ */ pureSchema(() => dealOf(inputRules));
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

export const declineOf = (rules: FieldRules) =>
  rules.refine(
    rules.object({ reason: z.enum(declineReasons), notes: z.optional(rules.freeText(4000)) }),
    (d) => d.reason !== 'other' || (d.notes?.trim().length ?? 0) > 0,
    { message: 'notes are required when the reason is other', path: ['notes'] },
  );
export const declineSchema = /* @__PURE__ */ pureSchema(() => declineOf(inputRules));
export type Decline = z.infer<typeof declineSchema>;

export const closeOf = (rules: FieldRules) =>
  rules.object({ notes: z.optional(rules.freeText(4000)), finalValue: z.optional(moneyOf(rules)) });
export const closeSchema = /* @__PURE__ */ pureSchema(() => closeOf(inputRules));
export type Close = z.infer<typeof closeSchema>;

export const senderKinds = ['microsoft', 'partner'] as const;
/** How a lead names its sender. */
export const senderRefFields = (rules: FieldRules) => ({
  id: rules.slug(),
  kind: z.enum(senderKinds),
  name: rules.text(200),
});
export const senderSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    ...senderRefFields(inputRules),
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

/** Everything the platform knows about a lead, before the read-time rules are applied. */
const leadOf = (rules: FieldRules) =>
  z.object({
    id: rules.leadId(),
    partnerId: rules.slug(),
    type: leadTypeSchema,
    sender: z.object(senderRefFields(rules)),
    customer: customerOf(rules),
    need: needOf(rules),
    externalId: z.optional(z.string()),
    contactRequested: z.boolean(),
    receivedAt: rules.datetime(),
    respondBy: rules.datetime(),
    stage: stageSchema,
    outcome: z.nullable(outcomeSchema),
    deal: z.nullable(dealOf(rules)),
    contacts: z.array(contactOf(rules)),
    decline: z.nullable(declineOf(rules)),
    closed: z.nullable(z.extend(closeOf(rules), { at: rules.datetime() })),
    archivedAt: z.nullable(rules.datetime()),
    version: z.number().check(z.int()),
    updatedAt: rules.datetime(),
    history: z.array(historyEntrySchema),
    favoritedBy: z.optional(z.array(z.string())),
    /** When the unanswered-lead reminder is due (null when the window is shorter than the reminder lead time). */
    remindAt: z.optional(z.nullable(rules.datetime())),
    /** When the reminder was last asked for (by the reconciler), until its email is settled. */
    remindedAt: z.optional(rules.datetime()),
    /** When the customer's contact data was erased (retention or request, SPEC §11); the figures stay. */
    erasedAt: z.optional(rules.datetime()),
    /** Open leads of the same partner with the same customer, found at intake (SPEC §7.4); partner view only. */
    possibleDuplicates: z.optional(z.array(possibleDuplicateSchema)),
  });

/**
 * A lead as stored, read back: items, write results and stream images. Their content passed the
 * input rules on the way in; what a read needs is the type guarantee (see `FieldRules`). Unknown
 * attributes (the item's keys and index attributes) are dropped.
 */
export const leadSchema = /* @__PURE__ */ pureSchema(() => leadOf(storedRules));
export type Lead = z.infer<typeof leadSchema>;

/** A lead held to every input rule: what the domain writes must pass it (tests hold it to that). */
export const validLeadSchema = /* @__PURE__ */ pureSchema(() => leadOf(inputRules));
