/**
 * Request and response schemas of the HTTP API. Handlers validate with them and the OpenAPI
 * document is generated from them, so the two cannot disagree.
 */
import * as z from 'zod';
import { possibleDuplicateSchema } from '../domain/duplicates.js';
import { termsOf } from '../domain/keywords.js';
import {
  closeSchema,
  companySizes,
  contactSchema,
  customerSchema,
  dealSchema,
  declineSchema,
  historyEntrySchema,
  leadIdSchema,
  leadTypeSchema,
  moneySchema,
  needSchema,
  newLeadSchema,
  oneLineText,
  outcomeSchema,
  senderSchema,
  stageSchema,
} from '../domain/lead.js';
import { lazySchema, pureSchema } from '../domain/schema-building.js';
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
    id: leadIdSchema.meta({ description: 'Lead id (ULID).' }),
  }),
);

/**
 * A whole number in a query string: digits only. `Number()` (and so `z.coerce`) would also take
 * `1e1`, `+5`, ` 5`, `0x10` and `5.0`, none of which a client means as an integer parameter.
 */
const queryInteger = (min: number, max: number, fallback: number, description: string) =>
  z
    .string()
    .regex(/^[0-9]{1,6}$/, 'must be a whole number written in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback)
    .meta({ description, type: 'integer', minimum: min, maximum: max, default: fallback });

const limit = /* @__PURE__ */ pureSchema(() => queryInteger(1, 100, 25, 'Page size, 1-100.'));
const cursor = /* @__PURE__ */ pureSchema(() =>
  z.string().min(1).max(1024).optional().meta({ description: 'Opaque cursor from `nextCursor`.' }),
);

export const partnerListQuery = /* @__PURE__ */ pureSchema(() =>
  z.object({
    tab: z.enum(['marketplace', 'qualified', 'favorites']).optional(),
    stage: stageSchema.optional(),
    cursor,
    limit,
  }),
);
export const sentListQuery = /* @__PURE__ */ pureSchema(() => z.object({ cursor, limit }));

export const idempotencyHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'idempotency-key': z
      .string()
      .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
      .optional()
      .meta({ description: 'Replays with the same key and body return the original lead (kept 24 h).' }),
  }),
);
export const ifMatchHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'if-match': z.string().max(100).optional().meta({
      description:
        'Strong ETags of the lead as last read (`"<version>"`, a comma-separated list matches any of them); none of them current answers 412. `*` matches any lead that exists (every action needs one anyway); weak ETags (`W/"…"`) never match.',
    }),
  }),
);
export const profileIfMatchHeaders = /* @__PURE__ */ pureSchema(() =>
  z.object({
    'if-match': z.string().max(100).optional().meta({
      description:
        'Strong ETags of the profile as last read (`"<version>"`, a comma-separated list matches any of them); none of them current answers 412. `"0"` matches a profile never saved (create only if absent); `*` matches only a profile saved before; weak ETags (`W/"…"`) never match. Without the header the profile is replaced whatever its version.',
    }),
  }),
);

// ---- bodies ----
export const newLeadBody = /* @__PURE__ */ pureSchema(() => newLeadSchema.meta({ id: 'NewLead' }));
export const acceptBody = /* @__PURE__ */ pureSchema(() =>
  z
    .strictObject({ deal: dealSchema, contacts: z.array(contactSchema).max(20).optional() })
    .meta({ id: 'AcceptLead' }),
);
export const declineBody = /* @__PURE__ */ pureSchema(() => declineSchema.meta({ id: 'DeclineLead' }));
export const editBody = /* @__PURE__ */ pureSchema(() =>
  z
    .strictObject({
      deal: z
        .strictObject({
          name: dealSchema.shape.name.optional(),
          value: moneySchema.optional(),
          estimatedCloseDate: dealSchema.shape.estimatedCloseDate.optional(),
          notes: dealSchema.shape.notes.unwrap().nullable().optional(),
          crmId: oneLineText(128).nullable().optional(),
          campaignId: oneLineText(128).nullable().optional(),
        })
        .refine(
          (deal) => Object.values(deal).some((v) => v !== undefined),
          'give at least one field to change',
        ),
    })
    .meta({ id: 'EditLead' }),
);
export const contactsBody = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({ contacts: z.array(contactSchema).min(1).max(20) }).meta({ id: 'AddContacts' }),
);
export const closeBody = /* @__PURE__ */ pureSchema(() => closeSchema.meta({ id: 'CloseLead' }));

// ---- responses ----
const timestamp = /* @__PURE__ */ lazySchema(() => z.iso.datetime());
export const partnerLeadSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      id: leadIdSchema,
      partnerId: z.string(),
      type: leadTypeSchema,
      tab: z.enum(['marketplace', 'qualified']),
      stage: stageSchema,
      outcome: outcomeSchema.nullable(),
      sender: senderSchema.pick({ id: true, kind: true, name: true }),
      customer: customerSchema,
      need: needSchema,
      externalId: z.string().nullable(),
      contactRequested: z.boolean(),
      alert: z.enum(['contact-now', 'contact-requested']).nullable(),
      receivedAt: timestamp(),
      respondBy: timestamp(),
      deal: dealSchema.nullable(),
      contacts: z.array(contactSchema),
      decline: declineSchema.nullable(),
      closed: closeSchema.extend({ at: timestamp() }).nullable(),
      archivedAt: timestamp().nullable(),
      favorite: z.boolean(),
      version: z.number().int(),
      possibleDuplicates: z.array(possibleDuplicateSchema.meta({ id: 'PossibleDuplicate' })).meta({
        description:
          'Open leads of this partner received in the 30 days before this one with the same customer (same email, or same company domain and a similar company name), whoever sent them.',
      }),
    })
    .meta({ id: 'PartnerLead', description: 'A lead as its partner sees it.' }),
);

export const senderLeadSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      id: leadIdSchema,
      partnerId: z.string(),
      type: leadTypeSchema,
      stage: stageSchema,
      outcome: outcomeSchema.nullable(),
      receivedAt: timestamp(),
      respondBy: timestamp(),
      archivedAt: timestamp().nullable(),
      externalId: z.string().nullable(),
      customer: customerSchema,
      need: needSchema,
      contactRequested: z.boolean(),
      deal: dealSchema.pick({ name: true, value: true, estimatedCloseDate: true }).nullable(),
    })
    .meta({ id: 'SentLead', description: 'A lead as its sender sees it.' }),
);

const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
export const partnerLeadPage = /* @__PURE__ */ lazySchema(() =>
  pageOf(partnerLeadSchema(), 'PartnerLeadPage'),
);
export const senderLeadPage = /* @__PURE__ */ lazySchema(() => pageOf(senderLeadSchema(), 'SentLeadPage'));
export const historyResponse = /* @__PURE__ */ lazySchema(() =>
  z.object({ items: z.array(historyEntrySchema.meta({ id: 'HistoryEntry' })) }).meta({ id: 'LeadHistory' }),
);
export const openApiDocumentSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .looseObject({ openapi: z.string() })
    .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document.' }),
);
export const healthResponse = /* @__PURE__ */ lazySchema(() =>
  z.object({ status: z.literal('ok') }).meta({ id: 'Health' }),
);

// ---- insights (SPEC §7.2) ----
const month = /* @__PURE__ */ pureSchema(() =>
  z
    .string()
    // From 1970: every default period then stays inside years 1969-9999, four digits each.
    .regex(/^(?:19[7-9]\d|[2-9]\d{3})-(?:0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM, from 1970-01')
    .optional(),
);
export const insightsQuery = /* @__PURE__ */ pureSchema(() =>
  z.object({
    from: month.meta({
      description:
        'First cohort month (UTC), YYYY-MM; default: two months before `to`. Must not be after `to`, and at most 24 months back from it (400 naming `from` otherwise).',
    }),
    to: month.meta({
      description:
        'Last cohort month (UTC), YYYY-MM; default: the current month. Months still to come are allowed and hold no leads yet (zeros). `from` = `to` is one month.',
    }),
  }),
);
const leadCountsSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      received: z.number().int(),
      open: z.number().int().meta({ description: 'Still received: not yet answered or archived.' }),
      accepted: z.number().int().meta({ description: 'Ever accepted (won and lost included).' }),
      declined: z.number().int(),
      expired: z.number().int(),
      won: z.number().int(),
      lost: z.number().int(),
    })
    .meta({ id: 'LeadCounts' }),
);
const rate = /* @__PURE__ */ lazySchema(() => z.number().min(0).max(1).nullable());
const ratesSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ acceptance: rate(), win: rate(), expiry: rate(), answeredWithin24h: rate() }).meta({
    id: 'Rates',
    description: 'SPEC §7.2 formulas, 3 decimals; null when there is nothing to divide by.',
  }),
);
const responseTimeSchema = /* @__PURE__ */ lazySchema(() =>
  z.object({ medianSeconds: z.number().nullable(), p90Seconds: z.number().nullable() }).meta({
    id: 'ResponseTime',
    description:
      'Seconds from receipt to accept or decline. Nearest rank: the q-quantile of n answers is the one of rank ceil(q x n); the value given is within 1 % of that exact value (a DDSketch bucket, not rounded).',
  }),
);
const amounts = /* @__PURE__ */ lazySchema(() =>
  z.array(z.object({ currency: z.string(), amount: z.number() })),
);
export const insightsResponse = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
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
      declineReasons: z.record(z.string(), z.number().int()),
      rates: ratesSchema(),
      responseTime: responseTimeSchema(),
      value: z.object({
        pipeline: amounts().meta({ description: 'Deal values of leads now accepted, per currency.' }),
        won: amounts().meta({ description: 'Final (else deal) values of won leads, per currency.' }),
      }),
      months: z.array(
        z.object({
          month: z.string(),
          leads: leadCountsSchema(),
          rates: ratesSchema(),
          responseTime: responseTimeSchema(),
        }),
      ),
      platform: z
        .object({ rates: ratesSchema(), responseTime: responseTimeSchema() })
        .meta({ description: 'Every partner together, same months.' }),
    })
    .meta({ id: 'Insights' }),
);

// ---- partner search (SPEC §7.3) ----
export const partnerSearchQuery = /* @__PURE__ */ pureSchema(() =>
  z
    .object({
      keyword: z
        .string()
        .max(200)
        .refine((k) => termsOf(k).length > 0, 'must contain a word to search for')
        .refine(
          (k) => termsOf(k).length <= MAX_SEARCH_TERMS,
          `must contain at most ${MAX_SEARCH_TERMS} words`,
        )
        .optional()
        .meta({
          description: `Words to match against partner keywords (case, accents and spacing ignored; at most ${MAX_SEARCH_TERMS}).`,
        }),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
        .optional()
        .meta({ description: 'A country one of its locations must be in.' }),
      companySize: z.enum(companySizes).optional().meta({ description: 'A company size it must serve.' }),
      type: leadTypeSchema.optional().meta({
        description:
          'The type of lead the sender means to send: partners that accepted such leads rank higher.',
      }),
      limit: queryInteger(1, 50, 10, 'At most this many partners, 1-50.'),
    })
    .refine((q) => q.keyword !== undefined || q.country !== undefined, {
      message: 'give a keyword or a country',
      path: ['keyword'],
    }),
);
const responsivenessSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      medianResponseSeconds: z.number().nullable(),
      answeredWithin24h: rate(),
      acceptanceRate: rate(),
      expiryRate: rate(),
      leadsLast90Days: z.number().int(),
    })
    .meta({
      id: 'Responsiveness',
      description:
        "The partner's own figures over the last 90 days (its cohort months overlapping them), as §7.2 defines them; rates to 2 decimals; the median in whole seconds and counts from 100 on, both to 2 significant digits.",
    }),
);
export const partnerSearchResponse = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      items: z.array(
        z
          .object({
            partnerId: z.string(),
            companyName: z.string(),
            description: z.string().nullable(),
            score: z.number().min(0).max(1).meta({
              description:
                'Smoothed responsiveness, 0-1: 0.5 for a partner without history (the neutral prior).',
            }),
            fit: z.object({
              keywords: z
                .array(z.string())
                .meta({ description: 'Its keywords (normalised) that share a term with the search.' }),
              country: z
                .boolean()
                .nullable()
                .meta({ description: 'It has a location in the country (null: none asked).' }),
              companySize: z
                .boolean()
                .nullable()
                .meta({ description: 'It serves the size (null: none asked).' }),
            }),
            responsiveness: responsivenessSchema(),
            why: z.array(z.string()).meta({ description: 'Why it ranks where it does, in words.' }),
          })
          .meta({ id: 'PartnerMatch' }),
      ),
    })
    .meta({ id: 'PartnerSearchResults' }),
);

/** The confirmation link's query: a 256-bit token, base64url. */
export const confirmContactQuery = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token of a confirmation link'),
  }),
);
export const contactConfirmedResponse = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      status: z.literal('confirmed'),
      partnerId: z.string(),
      email: z.string(),
      message: z.string(),
    })
    .meta({ id: 'ContactConfirmed' }),
);

// ---- webhooks (SPEC §9) ----
export const webhookIdParams = /* @__PURE__ */ pureSchema(() => z.object({ id: subscriptionIdSchema }));
export const deliveryIdParams = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: subscriptionIdSchema,
    deliveryId: deliveryIdSchema.meta({ description: 'Delivery id (ULID).' }),
  }),
);
export const deliveriesQuery = /* @__PURE__ */ pureSchema(() => z.object({ cursor, limit }));
export const webhookList = /* @__PURE__ */ lazySchema(() =>
  z.object({ items: z.array(subscriptionViewSchema()) }).meta({ id: 'WebhookList' }),
);
export const deliveryPage = /* @__PURE__ */ lazySchema(() =>
  z
    .object({ items: z.array(deliveryViewSchema()), nextCursor: z.string().nullable() })
    .meta({ id: 'WebhookDeliveryPage' }),
);
export const replayBody = /* @__PURE__ */ pureSchema(() =>
  z
    .strictObject({
      since: z.iso
        .datetime({ offset: true })
        .meta({ description: 'Resend every event from this instant on (events are kept 7 days).' }),
    })
    .meta({ id: 'WebhookReplay' }),
);
export const replayResponse = /* @__PURE__ */ lazySchema(() =>
  z
    .object({
      events: z.number().int().meta({ description: 'How many events were queued again, in order.' }),
    })
    .meta({ id: 'WebhookReplayQueued' }),
);
export const testResponse = /* @__PURE__ */ lazySchema(() =>
  z
    .object({ deliveryId: deliveryIdSchema.meta({ description: 'The test delivery, in the delivery log.' }) })
    .meta({ id: 'WebhookTestQueued' }),
);
export const acceptedResponse = /* @__PURE__ */ lazySchema(() =>
  z.object({ status: z.literal('queued') }).meta({ id: 'Queued' }),
);
export {
  subscriptionInputSchema as webhookBody,
  subscriptionPatchSchema as webhookPatchBody,
  subscriptionViewSchema as webhookView,
  subscriptionWithSecretSchema as webhookWithSecret,
};
