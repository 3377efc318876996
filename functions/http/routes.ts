/**
 * The route table: the one list of HTTP routes. The CDK stack makes one function and one API
 * route from each entry, the local server routes with it, and the OpenAPI document is built from it.
 */
import type * as z from 'zod/mini';
import { profileInputSchema, profileViewSchema } from '../domain/profile.js';
import {
  acceptBody,
  acceptedResponse,
  closeBody,
  confirmContactQuery,
  contactConfirmedResponse,
  contactsBody,
  declineBody,
  deliveriesQuery,
  deliveryIdParams,
  deliveryPage,
  editBody,
  healthResponse,
  historyResponse,
  idempotencyHeaders,
  ifMatchHeaders,
  insightsQuery,
  insightsResponse,
  leadIdParams,
  newLeadBody,
  openApiDocumentSchema,
  partnerLeadPage,
  partnerLeadSchema,
  partnerListQuery,
  partnerSearchQuery,
  partnerSearchResponse,
  profileIfMatchHeaders,
  replayBody,
  replayResponse,
  senderLeadPage,
  senderLeadSchema,
  sentListQuery,
  testResponse,
  webhookBody,
  webhookIdParams,
  webhookList,
  webhookPatchBody,
  webhookView,
  webhookWithSecret,
} from './schemas.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What this route's 404 says: a path parameter that fails its schema names nothing, like an unknown one. */
export interface NotFound {
  code: string;
  title: string;
  /** When it happens, for the OpenAPI document. */
  description: string;
}

export interface Route {
  /** The function's folder under functions/ and the operation id. */
  name: string;
  method: Method;
  path: string;
  /** Who may call: anyone, a partner's referral admins, or a registered sender system. */
  access: 'public' | 'partner' | 'sender';
  /** Whether the function touches the table (it then gets the table's environment); its exact grants are lib/function-grants.ts. */
  data: 'none' | 'read' | 'write';
  summary: string;
  tag: 'Leads' | 'Sent leads' | 'Profile' | 'Insights' | 'Partners' | 'Webhooks' | 'Platform';
  params?: z.ZodMiniObject;
  /** Required with `params`: the 404 of an id that names nothing the caller may see. */
  notFound?: NotFound;
  /** When this route answers 409, for the OpenAPI document. */
  conflict?: string;
  /** Queues webhook deliveries, so its function may send to the delivery queue (and nothing else of it). */
  queuesDeliveries?: boolean;
  /** Seals and opens list cursors, so its function gets the cursor key. */
  cursor?: boolean;
  query?: z.ZodMiniObject;
  headers?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** A body that may be left out entirely (treated as `{}`). */
  bodyOptional?: boolean;
  /** Why a public route that touches data needs no token (the cdk-nag acknowledgement says it). */
  publicBecause?: string;
  /** `etag`: the answer carries `ETag: "<version>"` of this resource, and `If-Match` is about it. */
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    /** The response body's schema, built on first call: only the OpenAPI document reads it. */
    schema?: () => z.ZodMiniType;
    etag?: 'lead' | 'profile';
  };
}

/** A route of the table; one with path parameters must say what its 404 is. */
const route = <R extends Route>(
  r: R & (R extends { params: z.ZodMiniObject } ? { notFound: NotFound } : unknown),
): R => r;
const leadNotFound: NotFound = {
  code: 'lead-not-found',
  title: 'Lead not found',
  description: "No such lead, or not one of the caller's.",
};
const leadConflict = 'The lead is archived, expired or in the wrong stage.';
const lead = {
  status: 200,
  description: 'The lead after the change.',
  schema: partnerLeadSchema,
  etag: 'lead',
} as const;

export const health = /* @__PURE__ */ route({
  name: 'health',
  method: 'GET',
  path: '/v1/health',
  access: 'public',
  data: 'none',
  tag: 'Platform',
  summary: 'Liveness check',
  success: { status: 200, description: 'The API is up.', schema: healthResponse },
});
export const openapi = /* @__PURE__ */ route({
  name: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  data: 'none',
  tag: 'Platform',
  summary: 'This OpenAPI document',
  success: { status: 200, description: 'The OpenAPI 3.1 document.', schema: openApiDocumentSchema },
});
export const createLead = /* @__PURE__ */ route({
  name: 'create-lead',
  method: 'POST',
  path: '/v1/leads',
  access: 'sender',
  data: 'write',
  tag: 'Sent leads',
  summary: 'Send a lead to a partner',
  headers: idempotencyHeaders,
  body: newLeadBody,
  conflict: 'The Idempotency-Key was used with another body.',
  success: { status: 201, description: 'The lead, as its sender sees it.', schema: senderLeadSchema },
});
export const listSentLeads = /* @__PURE__ */ route({
  name: 'list-sent-leads',
  method: 'GET',
  path: '/v1/sent-leads',
  access: 'sender',
  data: 'read',
  tag: 'Sent leads',
  summary: 'List the leads this sender sent, newest first',
  query: sentListQuery,
  cursor: true,
  success: { status: 200, description: 'A page of sent leads.', schema: senderLeadPage },
});
export const getSentLead = /* @__PURE__ */ route({
  name: 'get-sent-lead',
  method: 'GET',
  path: '/v1/sent-leads/{id}',
  access: 'sender',
  data: 'read',
  tag: 'Sent leads',
  summary: 'Read a sent lead and its outcome',
  params: leadIdParams,
  notFound: leadNotFound,
  success: { status: 200, description: 'The lead, as its sender sees it.', schema: senderLeadSchema },
});
export const listLeads = /* @__PURE__ */ route({
  name: 'list-leads',
  method: 'GET',
  path: '/v1/leads',
  access: 'partner',
  data: 'read',
  tag: 'Leads',
  summary: "List the partner's leads by tab and stage, newest first",
  query: partnerListQuery,
  cursor: true,
  success: { status: 200, description: 'A page of leads.', schema: partnerLeadPage },
});
export const getLead = /* @__PURE__ */ route({
  name: 'get-lead',
  method: 'GET',
  path: '/v1/leads/{id}',
  access: 'partner',
  data: 'read',
  tag: 'Leads',
  summary: 'Read a lead',
  params: leadIdParams,
  notFound: leadNotFound,
  // Spelled out, not `{ ...lead }`: a bundler keeps a spread as a possible side effect, and with
  // it this route and its schemas in every function.
  success: { status: 200, description: 'The lead.', schema: partnerLeadSchema, etag: 'lead' },
});
export const acceptLead = /* @__PURE__ */ route({
  name: 'accept-lead',
  method: 'POST',
  path: '/v1/leads/{id}/accept',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: 'Accept a received lead',
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: acceptBody,
  success: lead,
});
export const declineLead = /* @__PURE__ */ route({
  name: 'decline-lead',
  method: 'POST',
  path: '/v1/leads/{id}/decline',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: 'Decline a received lead',
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: declineBody,
  success: lead,
});
export const editLead = /* @__PURE__ */ route({
  name: 'edit-lead',
  method: 'PATCH',
  path: '/v1/leads/{id}',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: "Edit an accepted lead's deal",
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: editBody,
  success: lead,
});
export const addLeadContacts = /* @__PURE__ */ route({
  name: 'add-lead-contacts',
  method: 'POST',
  path: '/v1/leads/{id}/contacts',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: 'Add partner contacts to an accepted lead',
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: contactsBody,
  success: lead,
});
export const winLead = /* @__PURE__ */ route({
  name: 'win-lead',
  method: 'POST',
  path: '/v1/leads/{id}/won',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: 'Close an accepted lead as won',
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: closeBody,
  bodyOptional: true,
  success: lead,
});
export const loseLead = /* @__PURE__ */ route({
  name: 'lose-lead',
  method: 'POST',
  path: '/v1/leads/{id}/lost',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: 'Close an accepted lead as lost',
  params: leadIdParams,
  notFound: leadNotFound,
  conflict: leadConflict,
  headers: ifMatchHeaders,
  body: closeBody,
  bodyOptional: true,
  success: lead,
});
export const favoriteLead = /* @__PURE__ */ route({
  name: 'favorite-lead',
  method: 'PUT',
  path: '/v1/leads/{id}/favorite',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: "Put a lead in the caller's favorites",
  params: leadIdParams,
  notFound: leadNotFound,
  success: { status: 204, description: 'The lead is a favorite of the caller.' },
});
export const unfavoriteLead = /* @__PURE__ */ route({
  name: 'unfavorite-lead',
  method: 'DELETE',
  path: '/v1/leads/{id}/favorite',
  access: 'partner',
  data: 'write',
  tag: 'Leads',
  summary: "Take a lead out of the caller's favorites",
  params: leadIdParams,
  notFound: leadNotFound,
  success: { status: 204, description: 'The lead is not a favorite of the caller.' },
});
export const getLeadHistory = /* @__PURE__ */ route({
  name: 'get-lead-history',
  method: 'GET',
  path: '/v1/leads/{id}/history',
  access: 'partner',
  data: 'read',
  tag: 'Leads',
  summary: "Read a lead's history, oldest first",
  params: leadIdParams,
  notFound: leadNotFound,
  success: { status: 200, description: 'Every transition of the lead.', schema: historyResponse },
});
export const getProfile = /* @__PURE__ */ route({
  name: 'get-profile',
  method: 'GET',
  path: '/v1/profile',
  access: 'partner',
  data: 'read',
  tag: 'Profile',
  summary: "Read the partner's business profile",
  success: {
    status: 200,
    description: 'The profile (empty, version 0, until first saved).',
    schema: profileViewSchema,
    etag: 'profile',
  },
});
export const putProfile = /* @__PURE__ */ route({
  name: 'put-profile',
  method: 'PUT',
  path: '/v1/profile',
  access: 'partner',
  data: 'write',
  tag: 'Profile',
  summary: "Replace the partner's business profile",
  headers: profileIfMatchHeaders,
  body: profileInputSchema,
  success: { status: 200, description: 'The saved profile.', schema: profileViewSchema, etag: 'profile' },
});
export const confirmContact = /* @__PURE__ */ route({
  name: 'confirm-contact',
  method: 'GET',
  path: '/v1/contacts/confirm',
  access: 'public',
  data: 'write',
  tag: 'Profile',
  summary: 'Confirm a profile contact address (the link of the confirmation email)',
  query: confirmContactQuery,
  publicBecause:
    'Opened from the confirmation email by its recipient, who has no account: the unguessable, expiring, single-use token in the link is the credential.',
  notFound: {
    code: 'confirmation-link-invalid',
    title: 'Confirmation link not valid',
    description: 'The link is unknown, has expired or was already used.',
  },
  success: {
    status: 200,
    description: 'The address is confirmed and receives the partner’s lead alerts from now on.',
    schema: contactConfirmedResponse,
  },
});

export const getInsights = /* @__PURE__ */ route({
  name: 'get-insights',
  method: 'GET',
  path: '/v1/insights',
  access: 'partner',
  data: 'read',
  tag: 'Insights',
  summary: "The partner's responsiveness, outcomes and pipeline by cohort month, beside the platform's",
  query: insightsQuery,
  success: {
    status: 200,
    description: 'Insights for the months asked (default: the last three).',
    schema: insightsResponse,
  },
});
export const searchPartners = /* @__PURE__ */ route({
  name: 'search-partners',
  method: 'GET',
  path: '/v1/partners',
  access: 'sender',
  data: 'read',
  tag: 'Partners',
  summary: 'Partners that fit a need, best first, with why they rank there',
  query: partnerSearchQuery,
  success: { status: 200, description: 'The partners that fit, best first.', schema: partnerSearchResponse },
});

const webhookNotFound: NotFound = {
  code: 'webhook-not-found',
  title: 'Webhook not found',
  description: "No such webhook subscription, or not one of the caller's.",
};
const webhookDisabled = 'The subscription is disabled: enable it first.';

export const createWebhook = /* @__PURE__ */ route({
  name: 'create-webhook',
  method: 'POST',
  path: '/v1/webhooks',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Subscribe an HTTPS endpoint to lead events',
  body: webhookBody,
  conflict: 'The partner has 10 subscriptions already.',
  success: {
    status: 201,
    description: 'The subscription, with its signing secret (shown only here and on rotation).',
    schema: webhookWithSecret,
  },
});
export const listWebhooks = /* @__PURE__ */ route({
  name: 'list-webhooks',
  method: 'GET',
  path: '/v1/webhooks',
  access: 'partner',
  data: 'read',
  tag: 'Webhooks',
  summary: "List the partner's webhook subscriptions",
  success: { status: 200, description: 'Every subscription, oldest first.', schema: webhookList },
});
export const getWebhook = /* @__PURE__ */ route({
  name: 'get-webhook',
  method: 'GET',
  path: '/v1/webhooks/{id}',
  access: 'partner',
  data: 'read',
  tag: 'Webhooks',
  summary: 'Read a webhook subscription',
  params: webhookIdParams,
  notFound: webhookNotFound,
  success: { status: 200, description: 'The subscription.', schema: webhookView },
});
export const changeWebhook = /* @__PURE__ */ route({
  name: 'change-webhook',
  method: 'PATCH',
  path: '/v1/webhooks/{id}',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: "Change a subscription's URL, events, description, or enable or disable it",
  params: webhookIdParams,
  notFound: webhookNotFound,
  body: webhookPatchBody,
  success: { status: 200, description: 'The subscription after the change.', schema: webhookView },
});
export const deleteWebhook = /* @__PURE__ */ route({
  name: 'delete-webhook',
  method: 'DELETE',
  path: '/v1/webhooks/{id}',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Delete a webhook subscription',
  params: webhookIdParams,
  notFound: webhookNotFound,
  success: { status: 204, description: 'The subscription is gone; nothing more is sent to it.' },
});
export const rotateWebhookSecret = /* @__PURE__ */ route({
  name: 'rotate-webhook-secret',
  method: 'POST',
  path: '/v1/webhooks/{id}/rotate-secret',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Rotate the signing secret (the old one still signs for 24 hours)',
  params: webhookIdParams,
  notFound: webhookNotFound,
  success: {
    status: 200,
    description: 'The subscription with its new secret; both signatures are sent for 24 hours.',
    schema: webhookWithSecret,
  },
});
export const testWebhook = /* @__PURE__ */ route({
  name: 'test-webhook',
  method: 'POST',
  path: '/v1/webhooks/{id}/test',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Send a webhook.test event',
  params: webhookIdParams,
  notFound: webhookNotFound,
  conflict: webhookDisabled,
  queuesDeliveries: true,
  success: { status: 202, description: 'The test event is queued.', schema: testResponse },
});
export const listWebhookDeliveries = /* @__PURE__ */ route({
  name: 'list-webhook-deliveries',
  method: 'GET',
  path: '/v1/webhooks/{id}/deliveries',
  access: 'partner',
  data: 'read',
  tag: 'Webhooks',
  summary: "A subscription's delivery log, newest first (kept 7 days)",
  params: webhookIdParams,
  notFound: webhookNotFound,
  query: deliveriesQuery,
  cursor: true,
  success: { status: 200, description: 'A page of deliveries with their attempts.', schema: deliveryPage },
});
export const retryWebhookDelivery = /* @__PURE__ */ route({
  name: 'retry-webhook-delivery',
  method: 'POST',
  path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Send one delivery again now, with the same webhook-id',
  params: deliveryIdParams,
  notFound: {
    code: 'delivery-not-found',
    title: 'Delivery not found',
    description: "No such webhook or delivery (kept 7 days), or not the caller's.",
  },
  conflict: webhookDisabled,
  queuesDeliveries: true,
  success: { status: 202, description: 'The delivery is queued again.', schema: acceptedResponse },
});
export const replayWebhook = /* @__PURE__ */ route({
  name: 'replay-webhook',
  method: 'POST',
  path: '/v1/webhooks/{id}/replay',
  access: 'partner',
  data: 'write',
  tag: 'Webhooks',
  summary: 'Send again, in order, every event since a time (at most 7 days back)',
  params: webhookIdParams,
  notFound: webhookNotFound,
  conflict: webhookDisabled,
  body: replayBody,
  queuesDeliveries: true,
  success: { status: 202, description: 'The events are queued again, in order.', schema: replayResponse },
});

/** Every route, by name. Handlers import their own route alone, so a bundle carries only its schemas. */
export const routes = {
  health,
  openapi,
  createLead,
  listSentLeads,
  getSentLead,
  listLeads,
  getLead,
  acceptLead,
  declineLead,
  editLead,
  addLeadContacts,
  winLead,
  loseLead,
  favoriteLead,
  unfavoriteLead,
  getLeadHistory,
  getProfile,
  putProfile,
  getInsights,
  searchPartners,
  confirmContact,
  createWebhook,
  listWebhooks,
  getWebhook,
  changeWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listWebhookDeliveries,
  retryWebhookDelivery,
  replayWebhook,
} satisfies Record<string, Route>;

export type RouteName = keyof typeof routes;
export const routeList: Route[] = /* @__PURE__ */ Object.values(routes);
