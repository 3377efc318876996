/**
 * What readers see: the read-time rules of SPEC §3 (an overdue lead is expired however late the
 * archiver runs; the contact-now alert) and the partner and sender views.
 */

import { type HistoryEntry, type Lead, tabOf } from './lead.js';
import { isOverdue, type Windows } from './lifecycle.js';

/** The lead as of `now`, by the read-time rules: an overdue received lead reads as archived/expired. */
export function asOf(lead: Lead, now: Date): Lead {
  if (!isOverdue(lead, now)) return lead;
  const expiry: HistoryEntry = {
    at: lead.respondBy,
    by: { type: 'system', id: 'expiry' },
    action: 'expire',
    from: 'received',
    to: 'archived',
  };
  return {
    ...lead,
    stage: 'archived',
    outcome: 'expired',
    archivedAt: lead.respondBy,
    history: [...lead.history, expiry],
  };
}

export type Alert = 'contact-now' | 'contact-requested' | null;

/** The flame: `contact-now` in the first window after receipt, then `contact-requested`, while unanswered. */
export function alertOf(lead: Lead, now: Date, windows: Windows): Alert {
  if (!lead.contactRequested || asOf(lead, now).stage !== 'received') return null;
  const age = now.getTime() - Date.parse(lead.receivedAt);
  return age < windows.contactNowMs ? 'contact-now' : 'contact-requested';
}

/** The lead as its partner's admins see it (SPEC §4). `favorite` is per user. */
export function partnerView(stored: Lead, now: Date, windows: Windows, userSub: string) {
  const lead = asOf(stored, now);
  return {
    id: lead.id,
    partnerId: lead.partnerId,
    type: lead.type,
    tab: tabOf(lead.type),
    stage: lead.stage,
    outcome: lead.outcome,
    sender: lead.sender,
    customer: lead.customer,
    need: lead.need,
    externalId: lead.externalId ?? null,
    contactRequested: lead.contactRequested,
    alert: alertOf(stored, now, windows),
    receivedAt: lead.receivedAt,
    respondBy: lead.respondBy,
    deal: lead.deal,
    contacts: lead.contacts,
    decline: lead.decline,
    closed: lead.closed,
    archivedAt: lead.archivedAt,
    favorite: lead.favoritedBy?.includes(userSub) ?? false,
    version: lead.version,
    possibleDuplicates: lead.possibleDuplicates ?? [],
  };
}

/**
 * The lead as its sender sees it: what it sent, the outcome and the deal's headline; never the
 * partner's notes, contacts, CRM ids or duplicate flags.
 */
export function senderView(stored: Lead, now: Date) {
  const lead = asOf(stored, now);
  return {
    id: lead.id,
    partnerId: lead.partnerId,
    type: lead.type,
    stage: lead.stage,
    outcome: lead.outcome,
    receivedAt: lead.receivedAt,
    respondBy: lead.respondBy,
    archivedAt: lead.archivedAt,
    externalId: lead.externalId ?? null,
    customer: lead.customer,
    need: lead.need,
    contactRequested: lead.contactRequested,
    deal: lead.deal
      ? { name: lead.deal.name, value: lead.deal.value, estimatedCloseDate: lead.deal.estimatedCloseDate }
      : null,
  };
}

/** The history as readers see it, oldest first, with the expiry included once it is due. */
export const historyView = (stored: Lead, now: Date): HistoryEntry[] => asOf(stored, now).history;
