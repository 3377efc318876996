/**
 * The API's types, inferred from the zod schemas the handlers validate with (type-only imports:
 * nothing of zod reaches the browser bundle). Request bodies are `z.input` (what may be sent),
 * responses `z.output` (what the API answers).
 */
import type * as z from 'zod/mini';
import type { contactStatuses } from '../../../functions/domain/contacts.js';
import type {
  declineReasons,
  leadTypes,
  outcomeSchema,
  stageSchema,
} from '../../../functions/domain/lead.js';
import type { profileInputSchema, profileViewSchema } from '../../../functions/domain/profile.js';
import type { eventTypeSchema, leadEventTypes } from '../../../functions/domain/webhooks.js';
import type { PARTNER_ROLES } from '../../../functions/http/auth.js';
import type { Problem as ApiProblem } from '../../../functions/http/problem.js';
import type {
  acceptBody,
  closeBody,
  contactsBody,
  declineBody,
  deliveryPage,
  editBody,
  historyResponse,
  insightsQuery,
  insightsResponse,
  partnerLeadPage,
  partnerLeadSchema,
  partnerListQuery,
  replayBody,
  replayResponse,
  testResponse,
  webhookBody,
  webhookList,
  webhookPatchBody,
  webhookView,
  webhookWithSecret,
} from '../../../functions/http/schemas.js';

/** A response schema is built on first use (only the OpenAPI document reads it), so it is a function. */
type ResponseOf<S extends () => z.ZodMiniType> = z.output<ReturnType<S>>;

export type PartnerLead = ResponseOf<typeof partnerLeadSchema>;
export type LeadPage = ResponseOf<typeof partnerLeadPage>;
/** Query parameters as the handler reads them (zod coerces `limit` from the query string). */
export type LeadListQuery = Partial<z.output<typeof partnerListQuery>>;
export type LeadTab = NonNullable<LeadListQuery['tab']>;
export type Stage = z.output<typeof stageSchema>;
export type Outcome = z.output<typeof outcomeSchema>;
export type LeadType = (typeof leadTypes)[number];
export type Alert = NonNullable<PartnerLead['alert']>;
export type Customer = PartnerLead['customer'];
export type CompanySize = NonNullable<Customer['companySize']>;
export type Deal = NonNullable<PartnerLead['deal']>;
export type Money = Deal['value'];
export type LeadContact = PartnerLead['contacts'][number];

export type AcceptRequest = z.input<typeof acceptBody>;
export type DeclineRequest = z.input<typeof declineBody>;
export type DeclineReason = (typeof declineReasons)[number];
export type EditRequest = z.input<typeof editBody>;
export type ContactsRequest = z.input<typeof contactsBody>;
export type CloseRequest = z.input<typeof closeBody>;

export type History = ResponseOf<typeof historyResponse>;
export type HistoryEntry = History['items'][number];

/** The profile as the API shows it: each contact with its address's confirmation status. */
export type Profile = ResponseOf<typeof profileViewSchema>;
export type ProfileRequest = z.input<typeof profileInputSchema>;
export type ProfileLocation = Profile['locations'][number];
export type ContactStatus = (typeof contactStatuses)[number];

export type Insights = ResponseOf<typeof insightsResponse>;
export type InsightsQuery = z.input<typeof insightsQuery>;
export type LeadCounts = Insights['leads'];
export type Rates = Insights['rates'];
export type ResponseTime = Insights['responseTime'];
export type Amount = Insights['value']['pipeline'][number];

export type Webhook = ResponseOf<typeof webhookView>;
export type WebhookList = ResponseOf<typeof webhookList>;
export type WebhookWithSecret = ResponseOf<typeof webhookWithSecret>;
export type WebhookRequest = z.input<typeof webhookBody>;
export type WebhookChange = z.input<typeof webhookPatchBody>;
export type DisabledReason = NonNullable<Webhook['disabledReason']>;
export type LeadEventType = (typeof leadEventTypes)[number];
export type EventType = z.output<typeof eventTypeSchema>;
export type DeliveryPage = ResponseOf<typeof deliveryPage>;
export type Delivery = DeliveryPage['items'][number];
export type DeliveryStatus = Delivery['status'];
export type ReplayRequest = z.input<typeof replayBody>;
export type ReplayResponse = ResponseOf<typeof replayResponse>;
export type TestResponse = ResponseOf<typeof testResponse>;

export type PartnerRole = (typeof PARTNER_ROLES)[number];
export type Problem = ApiProblem;
export type FieldProblem = NonNullable<Problem['errors']>[number];
