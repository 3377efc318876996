/**
 * Request and response schemas of the HTTP API. Handlers validate with them and the OpenAPI
 * document is generated from them, so the two cannot disagree.
 */
import * as z from 'zod/mini';
import { possibleDuplicateSchema } from '../domain/duplicates.js';
import { termsOf } from '../domain/keywords.js';
import {
  closeOf,
  closeSchema,
  companySizes,
  contactOf,
  contactSchema,
  customerOf,
  dealOf,
  dealSchema,
  declineOf,
  declineSchema,
  historyEntrySchema,
  inputRules,
  leadIdSchema,
  leadTypeSchema,
  moneySchema,
  needOf,
  newLeadSchema,
  oneLineText,
  outcomeSchema,
  senderRefFields,
  stageSchema,
} from '../domain/lead.js';
import { lazySchema, pureSchema, withMeta } from '../domain/schema-building.js';
import { MAX_SEARCH_TERMS } from '../domain/search.js';
import {
  deliveryIdSchema,
  deliveryViewSchema,
  subscriptionIdSchema,
  subscriptionInputSchema,
  subscriptionPatchSchema,
  subscriptionViewSchema,
  subscriptionWithSecretSchema,
} from '../domain/webhooks.js';

// ---- parameters ----
export const leadIdParams = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: withMeta(leadIdSchema, { description: 'Lead id (ULID).' }),
  }),
);

/**
 * A whole number in a query string: digits only. `Number()` (and so `z.coerce`) would also take
 * `1e1`, `+5`, ` 5`, `0x10` and `5.0`, none of which a client means as an integer parameter.
 */
const queryInteger = (min: number, max: number, fallback: number, description: string) =>
  withMeta(
    z._default(
      z.pipe(
        z.pipe(
          z.string().check(z.regex(/^[0-9]{1,6}$/, 'must be a whole number written in digits')),
          z.transform(Number),
        ),
        z.number().check(z.int(), z.minimum(min), z.maximum(max)),
      ),
      fallback,
    ),
    { description, type: 'integer', minimum: min, maximum: max, default: fallback },
  );

const limit = /* @__PURE__ */ pureSchema(() => queryInteger(1, 100, 25, 'Page size, 1-100.'));
const cursor = /* @__PURE__ */ pureSchema(() =>
  withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(1024))), {
    description: 'Opaque cursor from `nextCursor`.',
  }),
);

export const partnerListQuery = /* @__PURE__ */ pureSchema(() =>
  z.object({
    tab: z.optional(z.enum(['marketplace', 'qualified', 'favorites'])),
    stage: z.optional(stageSchema),
    cursor,
    limit,
  }),
);
export const sentListQuery = /* @__PURE__ */ pureSchema(() => z.object({ cursor, limit }));

export const idempotencyHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'idempotency-key': withMeta(
      z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters'))),
      { description: 'Replays with the same key and body return the original lead (kept 24 h).' },
    ),
  }),
);
export const ifMatchHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'if-match': withMeta(z.optional(z.string().check(z.maxLength(100))), {
      description:
        'Strong ETags of the lead as last read (`"<version>"`, a comma-separated list matches any of them); none of them current answers 412. `*` matches any lead that exists (every action needs one anyway); weak ETags (`W/"…"`) never match.',
    }),
  }),
);
export const profileIfMatchHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'if-match': withMeta(z.optional(z.string().check(z.maxLength(100))), {
      description:
        'Strong ETags of the profile as last read (`"<version>"`, a comma-separated list matches any of them); none of them current answers 412. `"0"` matches a profile never saved (create only if absent); `*` matches only a profile saved before; weak ETags (`W/"…"`) never match. Without the header the profile is replaced whatever its version.',
    }),
  }),
);

// ---- bodies ----
export const newLeadBody = /* @__PURE__ */ pureSchema(() => withMeta(newLeadSchema, { id: 'NewLead' }));
export const acceptBody = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.strictObject({ deal: dealSchema, contacts: z.optional(z.array(contactSchema).check(z.maxLength(20))) }),
    { id: 'AcceptLead' },
  ),
);
export const declineBody = /* @__PURE__ */ pureSchema(() => withMeta(declineSchema, { id: 'DeclineLead' }));
export const editBody = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.strictObject({
      deal: z
        .strictObject({
          name: z.optional(dealSchema.shape.name),
          value: z.optional(moneySchema),
          estimatedCloseDate: z.optional(dealSchema.shape.estimatedCloseDate),
          notes: z.optional(z.nullable(dealSchema.shape.notes.def.innerType)),
          crmId: z.optional(z.nullable(oneLineText(128))),
          campaignId: z.optional(z.nullable(oneLineText(128))),
        })
        .check(
          z.refine(
            (deal) => Object.values(deal).some((v) => v !== undefined),
            'give at least one field to change',
          ),
        ),
    }),
    { id: 'EditLead' },
  ),
);
export const contactsBody = /* @__PURE__ */ pureSchema(() =>
  withMeta(z.strictObject({ contacts: z.array(contactSchema).check(z.minLength(1), z.maxLength(20)) }), {
    id: 'AddContacts',
  }),
);
export const closeBody = /* @__PURE__ */ pureSchema(() => withMeta(closeSchema, { id: 'CloseLead' }));

// ---- responses ----
// Built from the field lists rather than the input schemas' instances: a response schema is built
// only for the OpenAPI document, and naming an input schema here would build it at the cold start
// of every route whose table entry names this response.
const timestamp = /* @__PURE__ */ lazySchema(() => z.iso.datetime());
export const partnerLeadSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      id: leadIdSchema,
      partnerId: z.string(),
      type: leadTypeSchema,
      tab: z.enum(['marketplace', 'qualified']),
      stage: stageSchema,
      outcome: z.nullable(outcomeSchema),
      sender: z.object(senderRefFields(inputRules)),
      customer: customerOf(inputRules),
      need: needOf(inputRules),
      externalId: z.nullable(z.string()),
      contactRequested: z.boolean(),
      alert: z.nullable(z.enum(['contact-now', 'contact-requested'])),
      receivedAt: timestamp(),
      respondBy: timestamp(),
      deal: z.nullable(dealOf(inputRules)),
      contacts: z.array(contactOf(inputRules)),
      decline: z.nullable(declineOf(inputRules)),
      closed: z.nullable(z.extend(closeOf(inputRules), { at: timestamp() })),
      archivedAt: z.nullable(timestamp()),
      favorite: z.boolean(),
      version: z.number().check(z.int()),
      possibleDuplicates: withMeta(z.array(withMeta(possibleDuplicateSchema, { id: 'PossibleDuplicate' })), {
        description:
          'Open leads of this partner received in the 30 days before this one with the same customer (same email, or same company domain and a similar company name), whoever sent them.',
      }),
    }),
    { id: 'PartnerLead', description: 'A lead as its partner sees it.' },
  ),
);

export const senderLeadSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      id: leadIdSchema,
      partnerId: z.string(),
      type: leadTypeSchema,
      stage: stageSchema,
      outcome: z.nullable(outcomeSchema),
      receivedAt: timestamp(),
      respondBy: timestamp(),
      archivedAt: z.nullable(timestamp()),
      externalId: z.nullable(z.string()),
      customer: customerOf(inputRules),
      need: needOf(inputRules),
      contactRequested: z.boolean(),
      deal: z.nullable(z.pick(dealOf(inputRules), { name: true, value: true, estimatedCloseDate: true })),
    }),
    { id: 'SentLead', description: 'A lead as its sender sees it.' },
  ),
);

const pageOf = <T extends z.ZodMiniType>(item: T, id: string) =>
  withMeta(z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) }), { id });
export const partnerLeadPage = /* @__PURE__ */ lazySchema(() =>
  pageOf(partnerLeadSchema(), 'PartnerLeadPage'),
);
export const senderLeadPage = /* @__PURE__ */ lazySchema(() => pageOf(senderLeadSchema(), 'SentLeadPage'));
export const historyResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ items: z.array(withMeta(historyEntrySchema, { id: 'HistoryEntry' })) }), {
    id: 'LeadHistory',
  }),
);
export const openApiDocumentSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.looseObject({ openapi: z.string() }), {
    id: 'OpenApiDocument',
    description: 'An OpenAPI 3.1 document.',
  }),
);
export const healthResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ status: z.literal('ok') }), { id: 'Health' }),
);

// ---- insights (SPEC §7.2) ----
const month = /* @__PURE__ */ pureSchema(() =>
  z.optional(
    z.string().check(
      // From 1970: every default period then stays inside years 1969-9999, four digits each.
      z.regex(/^(?:19[7-9]\d|[2-9]\d{3})-(?:0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM, from 1970-01'),
    ),
  ),
);
export const insightsQuery = /* @__PURE__ */ pureSchema(() =>
  z.object({
    from: withMeta(month, {
      description:
        'First cohort month (UTC), YYYY-MM; default: two months before `to`. Must not be after `to`, and at most 24 months back from it (400 naming `from` otherwise).',
    }),
    to: withMeta(month, {
      description:
        'Last cohort month (UTC), YYYY-MM; default: the current month. Months still to come are allowed and hold no leads yet (zeros). `from` = `to` is one month.',
    }),
  }),
);
const leadCountsSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      received: z.number().check(z.int()),
      open: withMeta(z.number().check(z.int()), {
        description: 'Still received: not yet answered or archived.',
      }),
      accepted: withMeta(z.number().check(z.int()), {
        description: 'Ever accepted (won and lost included).',
      }),
      declined: z.number().check(z.int()),
      expired: z.number().check(z.int()),
      won: z.number().check(z.int()),
      lost: z.number().check(z.int()),
    }),
    { id: 'LeadCounts' },
  ),
);
const rate = /* @__PURE__ */ lazySchema(() => z.nullable(z.number().check(z.minimum(0), z.maximum(1))));
const ratesSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ acceptance: rate(), win: rate(), expiry: rate(), answeredWithin24h: rate() }), {
    id: 'Rates',
    description: 'SPEC §7.2 formulas, 3 decimals; null when there is nothing to divide by.',
  }),
);
const responseTimeSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ medianSeconds: z.nullable(z.number()), p90Seconds: z.nullable(z.number()) }), {
    id: 'ResponseTime',
    description:
      'Seconds from receipt to accept or decline. Nearest rank: the q-quantile of n answers is the one of rank ceil(q x n); the value given is within 1 % of that exact value (a DDSketch bucket, not rounded).',
  }),
);
const amounts = /* @__PURE__ */ lazySchema(() =>
  z.array(z.object({ currency: z.string(), amount: z.number() })),
);
export const insightsResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      partnerId: z.string(),
      from: z.string(),
      to: z.string(),
      asOf: timestamp(),
      leads: leadCountsSchema(),
      byType: z.object({
        'customer-inquiry': leadCountsSchema(),
        'marketing-qualified': leadCountsSchema(),
        'sales-qualified': leadCountsSchema(),
      }),
      declineReasons: z.record(z.string(), z.number().check(z.int())),
      rates: ratesSchema(),
      responseTime: responseTimeSchema(),
      value: z.object({
        pipeline: withMeta(amounts(), { description: 'Deal values of leads now accepted, per currency.' }),
        won: withMeta(amounts(), { description: 'Final (else deal) values of won leads, per currency.' }),
      }),
      months: z.array(
        z.object({
          month: z.string(),
          leads: leadCountsSchema(),
          rates: ratesSchema(),
          responseTime: responseTimeSchema(),
        }),
      ),
      platform: withMeta(z.object({ rates: ratesSchema(), responseTime: responseTimeSchema() }), {
        description: 'Every partner together, same months.',
      }),
    }),
    { id: 'Insights' },
  ),
);

// ---- partner search (SPEC §7.3) ----
export const partnerSearchQuery = /* @__PURE__ */ pureSchema(() =>
  z
    .object({
      keyword: withMeta(
        z.optional(
          z.string().check(
            z.maxLength(200),
            z.refine((k) => termsOf(k).length > 0, 'must contain a word to search for'),
            z.refine(
              (k) => termsOf(k).length <= MAX_SEARCH_TERMS,
              `must contain at most ${MAX_SEARCH_TERMS} words`,
            ),
          ),
        ),
        {
          description: `Words to match against partner keywords (case, accents and spacing ignored; at most ${MAX_SEARCH_TERMS}).`,
        },
      ),
      country: withMeta(
        z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'))),
        { description: 'A country one of its locations must be in.' },
      ),
      companySize: withMeta(z.optional(z.enum(companySizes)), {
        description: 'A company size it must serve.',
      }),
      type: withMeta(z.optional(leadTypeSchema), {
        description:
          'The type of lead the sender means to send: partners that accepted such leads rank higher.',
      }),
      limit: queryInteger(1, 50, 10, 'At most this many partners, 1-50.'),
    })
    .check(
      z.refine((q) => q.keyword !== undefined || q.country !== undefined, {
        message: 'give a keyword or a country',
        path: ['keyword'],
      }),
    ),
);
const responsivenessSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      medianResponseSeconds: z.nullable(z.number()),
      answeredWithin24h: rate(),
      acceptanceRate: rate(),
      expiryRate: rate(),
      leadsLast90Days: z.number().check(z.int()),
    }),
    {
      id: 'Responsiveness',
      description:
        "The partner's own figures over the last 90 days (its cohort months overlapping them), as §7.2 defines them; rates to 2 decimals; the median in whole seconds and counts from 100 on, both to 2 significant digits.",
    },
  ),
);
export const partnerSearchResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      items: z.array(
        withMeta(
          z.object({
            partnerId: z.string(),
            companyName: z.string(),
            description: z.nullable(z.string()),
            score: withMeta(z.number().check(z.minimum(0), z.maximum(1)), {
              description:
                'Smoothed responsiveness, 0-1: 0.5 for a partner without history (the neutral prior).',
            }),
            fit: z.object({
              keywords: withMeta(z.array(z.string()), {
                description: 'Its keywords (normalised) that share a term with the search.',
              }),
              country: withMeta(z.nullable(z.boolean()), {
                description: 'It has a location in the country (null: none asked).',
              }),
              companySize: withMeta(z.nullable(z.boolean()), {
                description: 'It serves the size (null: none asked).',
              }),
            }),
            responsiveness: responsivenessSchema(),
            why: withMeta(z.array(z.string()), { description: 'Why it ranks where it does, in words.' }),
          }),
          { id: 'PartnerMatch' },
        ),
      ),
    }),
    { id: 'PartnerSearchResults' },
  ),
);

/** The confirmation link's query: a 256-bit token, base64url. */
export const confirmContactQuery = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    token: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token of a confirmation link')),
  }),
);
export const contactConfirmedResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      status: z.literal('confirmed'),
      partnerId: z.string(),
      email: z.string(),
      message: z.string(),
    }),
    { id: 'ContactConfirmed' },
  ),
);

// ---- webhooks (SPEC §9) ----
export const webhookIdParams = /* @__PURE__ */ pureSchema(() => z.object({ id: subscriptionIdSchema }));
export const deliveryIdParams = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: subscriptionIdSchema,
    deliveryId: withMeta(deliveryIdSchema, { description: 'Delivery id (ULID).' }),
  }),
);
export const deliveriesQuery = /* @__PURE__ */ pureSchema(() => z.object({ cursor, limit }));
export const webhookList = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ items: z.array(subscriptionViewSchema()) }), { id: 'WebhookList' }),
);
export const deliveryPage = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ items: z.array(deliveryViewSchema()), nextCursor: z.nullable(z.string()) }), {
    id: 'WebhookDeliveryPage',
  }),
);
export const replayBody = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.strictObject({
      since: withMeta(z.iso.datetime({ offset: true }), {
        description: 'Resend every event from this instant on (events are kept 7 days).',
      }),
    }),
    { id: 'WebhookReplay' },
  ),
);
export const replayResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      events: withMeta(z.number().check(z.int()), {
        description: 'How many events were queued again, in order.',
      }),
    }),
    { id: 'WebhookReplayQueued' },
  ),
);
export const testResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      deliveryId: withMeta(deliveryIdSchema, { description: 'The test delivery, in the delivery log.' }),
    }),
    { id: 'WebhookTestQueued' },
  ),
);
export const acceptedResponse = /* @__PURE__ */ lazySchema(() =>
  withMeta(z.object({ status: z.literal('queued') }), { id: 'Queued' }),
);
export {
  subscriptionInputSchema as webhookBody,
  subscriptionPatchSchema as webhookPatchBody,
  subscriptionViewSchema as webhookView,
  subscriptionWithSecretSchema as webhookWithSecret,
};
