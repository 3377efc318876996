/**
 * Personal data (SPEC §11): a customer's contact data is erased on request, and from every lead
 * archived more than PII_RETENTION ago. Erasure overwrites the contact fields with a tombstone
 * rather than deleting anything: the lead, its stage, outcome, deal, dates and history stay, so
 * insights and search keep their figures. What counts as personal data here: the customer's contact
 * name, email and phone, and every free text written about them (the need's description, the
 * partner's deal, decline and close notes), where people write names and numbers. The company
 * name, country and size stay: they describe an organisation, and insights and ranking use them.
 */
import type { Lead } from './lead.js';

/** The value every erased text field reads. */
export const ERASED = '[erased]';
/** An address that can never receive mail (RFC 2606 `.invalid`), so an erased lead still parses. */
export const ERASED_EMAIL = 'erased@erased.invalid';

/** The customer of a lead once its contact data is erased. */
export function erasedCustomer(customer: Lead['customer']): Lead['customer'] {
  const { phone: _phone, ...kept } = customer;
  return { ...kept, contactName: ERASED, email: ERASED_EMAIL };
}

/** The need of a lead once its free text is erased. */
export function erasedNeed(need: Lead['need']): Lead['need'] {
  const { description: _description, ...kept } = need;
  return kept;
}

/** The lead as it reads after erasure at `at`: what the store writes. Idempotent. */
export function erased(lead: Lead, at: string): Lead {
  const { deal, decline, closed } = lead;
  const result: Lead = {
    ...lead,
    customer: erasedCustomer(lead.customer),
    need: erasedNeed(lead.need),
    // Notes stay present where they were (a decline for `other` must have some), as the tombstone.
    deal: deal && deal.notes !== undefined ? { ...deal, notes: ERASED } : deal,
    decline: decline && decline.notes !== undefined ? { ...decline, notes: ERASED } : decline,
    closed: closed && closed.notes !== undefined ? { ...closed, notes: ERASED } : closed,
    erasedAt: lead.erasedAt ?? at,
  };
  return result;
}

/** Leads archived before this instant are due for retention erasure. */
export const retentionCutoff = (now: Date, retentionMs: number): Date =>
  new Date(now.getTime() - retentionMs);

/** What erasing one lead did. */
export interface LeadErasure {
  leadId: string;
  /** False when the lead had been erased before (the call is idempotent). */
  erasedNow: boolean;
  /** The customer's address before erasure (to expire its link), when it was still there. */
  formerEmail?: string;
}

/** Storage of erasure: every write conditional, no Scan, nothing deleted but by TTL. */
export interface ErasureStore {
  /** The ids of every lead of one customer, platform-wide (by a hash of the address). */
  leadsOfCustomer(email: string): Promise<string[]>;
  /** Archived leads not yet erased whose archivedAt is before `before`, at most `limit`. */
  dueForErasure(before: Date, limit: number): Promise<string[]>;
  /** Overwrites one lead's contact data with the tombstone; undefined when no such lead. */
  eraseLead(leadId: string, at: Date): Promise<LeadErasure | undefined>;
  /** Lets TTL remove the customer's links to these leads (the hash is personal data too). */
  expireLinks(email: string, leadIds: string[], at: Date): Promise<void>;
}

export interface CustomerErasure {
  /** Every lead of the customer found. */
  leads: string[];
  erased: number;
  alreadyErased: number;
}

export class ErasureService {
  constructor(private readonly store: ErasureStore) {}

  /** Erases one customer's data everywhere it is stored, on request (operator command). */
  async eraseCustomer(email: string, now: Date): Promise<CustomerErasure> {
    const leads = await this.store.leadsOfCustomer(email);
    let erased = 0;
    let alreadyErased = 0;
    for (const leadId of leads) {
      const result = await this.store.eraseLead(leadId, now);
      if (result?.erasedNow) erased++;
      else if (result) alreadyErased++;
    }
    if (leads.length > 0) await this.store.expireLinks(email, leads, now);
    return { leads, erased, alreadyErased };
  }

  /** Erases leads archived more than `retentionMs` ago, at most `limit` per run (reconciler). */
  async eraseExpired(now: Date, retentionMs: number, limit: number): Promise<number> {
    const due = await this.store.dueForErasure(retentionCutoff(now, retentionMs), limit);
    let erased = 0;
    for (const leadId of due) {
      const result = await this.store.eraseLead(leadId, now);
      if (!result) continue;
      if (result.erasedNow) erased++;
      if (result.formerEmail) await this.store.expireLinks(result.formerEmail, [leadId], now);
    }
    return erased;
  }
}
