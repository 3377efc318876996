/**
 * Words for the API's enumerations. Each map is keyed by the schema's own type, so a value the API
 * adds is a type error here until it has a label, and a value it drops cannot linger.
 */
import type {
  CompanySize,
  ContactStatus,
  DeclineReason,
  DeliveryStatus,
  DisabledReason,
  EventType,
  HistoryEntry,
  LeadTab,
  LeadType,
  Outcome,
  PartnerRole,
  Stage,
} from '../api/types.js';

export const tabLabels: Record<LeadTab, string> = {
  marketplace: 'Marketplace',
  qualified: 'Qualified',
  favorites: 'Favorites',
};

export const stageLabels: Record<Stage, string> = {
  received: 'Received',
  accepted: 'Accepted',
  archived: 'Archived',
};

export const outcomeLabels: Record<Outcome, string> = {
  won: 'Won',
  lost: 'Lost',
  declined: 'Declined',
  expired: 'Expired',
};

export const leadTypeLabels: Record<LeadType, string> = {
  'customer-inquiry': 'Customer inquiry',
  'marketing-qualified': 'Marketing qualified',
  'sales-qualified': 'Sales qualified',
};

export const declineReasonLabels: Record<DeclineReason, string> = {
  'not-a-fit': 'Not a fit for our business',
  'need-unclear': 'The need is unclear',
  'no-capacity': 'No capacity right now',
  'outside-service-area': 'Outside our service area',
  'customer-unreachable': 'Customer unreachable',
  duplicate: 'Duplicate of another lead',
  other: 'Other (explain in the notes)',
};

export const companySizeLabels: Record<CompanySize, string> = {
  '1-9': '1–9 employees',
  '10-49': '10–49 employees',
  '50-249': '50–249 employees',
  '250-999': '250–999 employees',
  '1000+': '1,000 or more employees',
};

export const actionLabels: Record<HistoryEntry['action'], string> = {
  receive: 'Received',
  accept: 'Accepted',
  decline: 'Declined',
  edit: 'Deal edited',
  'add-contacts': 'Contacts added',
  won: 'Marked won',
  lost: 'Marked lost',
  expire: 'Expired',
};

export const contactStatusLabels: Record<ContactStatus, string> = {
  pending: 'Pending confirmation',
  confirmed: 'Confirmed',
  suppressed: 'Suppressed (bounced or complained)',
};

export const eventTypeLabels: Record<EventType, string> = {
  'lead.received': 'Lead received',
  'lead.accepted': 'Lead accepted',
  'lead.declined': 'Lead declined',
  'lead.expired': 'Lead expired',
  'lead.updated': 'Lead updated (deal edited, contacts added)',
  'lead.won': 'Lead won',
  'lead.lost': 'Lead lost',
  'webhook.test': 'Test event',
};

export const deliveryStatusLabels: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

export const disabledReasonLabels: Record<DisabledReason, string> = {
  'by-partner': 'Disabled by you',
  gone: 'Disabled: the endpoint answered 410 Gone',
  failing: 'Disabled: every delivery failed for 24 hours',
};

export const roleLabels: Record<PartnerRole, string> = {
  'mpn-partner-admin': 'MPN partner admin',
  'referrals-admin': 'Referrals admin',
};

/** The keys of a label map, in the order written: the values a select offers. */
export const keysOf = <K extends string>(labels: Record<K, string>): K[] => Object.keys(labels) as K[];
