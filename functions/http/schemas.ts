/**
 * Request and response schemas of the HTTP API. Handlers validate with them and the OpenAPI
 * document is generated from them, so the two cannot disagree.
 */
import * as z from 'zod';
import { possibleDuplicateSchema } from '../domain/duplicates.js';
import {
  closeSchema,
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

// ---- parameters ----
export const leadIdParams = /* @__PURE__ */ z.object({
  id: leadIdSchema.meta({ description: 'Lead id (ULID).' }),
});

const limit = /* @__PURE__ */ z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(25)
  .meta({ description: 'Page size, 1-100.', type: 'integer' });
const cursor = /* @__PURE__ */ z
  .string()
  .min(1)
  .max(1024)
  .optional()
  .meta({ description: 'Opaque cursor from `nextCursor`.' });

export const partnerListQuery = /* @__PURE__ */ z.object({
  tab: z.enum(['marketplace', 'qualified', 'favorites']).optional(),
  stage: stageSchema.optional(),
  cursor,
  limit,
});
export const sentListQuery = /* @__PURE__ */ z.object({ cursor, limit });

export const idempotencyHeaders = /* @__PURE__ */ z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
    .optional()
    .meta({ description: 'Replays with the same key and body return the original lead (kept 24 h).' }),
});
export const ifMatchHeaders = /* @__PURE__ */ z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'The ETag of the lead as last read; a mismatch answers 412.' }),
});

// ---- bodies ----
export const newLeadBody = /* @__PURE__ */ newLeadSchema.meta({ id: 'NewLead' });
export const acceptBody = /* @__PURE__ */ z
  .strictObject({ deal: dealSchema, contacts: z.array(contactSchema).max(20).optional() })
  .meta({ id: 'AcceptLead' });
export const declineBody = /* @__PURE__ */ declineSchema.meta({ id: 'DeclineLead' });
export const editBody = /* @__PURE__ */ z
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
  .meta({ id: 'EditLead' });
export const contactsBody = /* @__PURE__ */ z
  .strictObject({ contacts: z.array(contactSchema).min(1).max(20) })
  .meta({ id: 'AddContacts' });
export const closeBody = /* @__PURE__ */ closeSchema.meta({ id: 'CloseLead' });

// ---- responses ----
const timestamp = /* @__PURE__ */ z.iso.datetime();
export const partnerLeadSchema = /* @__PURE__ */ z
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
    receivedAt: timestamp,
    respondBy: timestamp,
    deal: dealSchema.nullable(),
    contacts: z.array(contactSchema),
    decline: declineSchema.nullable(),
    closed: closeSchema.extend({ at: timestamp }).nullable(),
    archivedAt: timestamp.nullable(),
    favorite: z.boolean(),
    version: z.number().int(),
    possibleDuplicates: z.array(possibleDuplicateSchema.meta({ id: 'PossibleDuplicate' })).meta({
      description:
        'Open leads of this partner received in the 30 days before this one with the same customer (same email, or same company domain and a similar company name), whoever sent them.',
    }),
  })
  .meta({ id: 'PartnerLead', description: 'A lead as its partner sees it.' });

export const senderLeadSchema = /* @__PURE__ */ z
  .object({
    id: leadIdSchema,
    partnerId: z.string(),
    type: leadTypeSchema,
    stage: stageSchema,
    outcome: outcomeSchema.nullable(),
    receivedAt: timestamp,
    respondBy: timestamp,
    archivedAt: timestamp.nullable(),
    externalId: z.string().nullable(),
    customer: customerSchema,
    need: needSchema,
    contactRequested: z.boolean(),
    deal: dealSchema.pick({ name: true, value: true, estimatedCloseDate: true }).nullable(),
  })
  .meta({ id: 'SentLead', description: 'A lead as its sender sees it.' });

const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
export const partnerLeadPage = /* @__PURE__ */ pageOf(partnerLeadSchema, 'PartnerLeadPage');
export const senderLeadPage = /* @__PURE__ */ pageOf(senderLeadSchema, 'SentLeadPage');
export const historyResponse = /* @__PURE__ */ z
  .object({ items: z.array(historyEntrySchema.meta({ id: 'HistoryEntry' })) })
  .meta({ id: 'LeadHistory' });
export const healthResponse = /* @__PURE__ */ z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
