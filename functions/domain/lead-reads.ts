/**
 * The read use cases of leads, on their own so a read-only route bundles and builds neither the
 * intake (duplicate flagging, ids) nor the writes `LeadService` adds to them. No AWS here either.
 */
import { LeadNotFoundError } from './errors.js';
import type { Lead, Sender, Stage, Tab } from './lead.js';
import type { LeadStore, Page } from './ports.js';

export type Clock = () => Date;

export interface PartnerCaller {
  partnerId: string;
  userSub: string;
}

/** The store a read-only lead route needs: one lead, or a page of them. */
export type LeadReadStore = Pick<LeadStore, 'get' | 'listForPartner' | 'listForSender'>;

/** A lead or a page of leads, as the partner or the sender may see them. */
export class LeadReads {
  constructor(
    private readonly reads: LeadReadStore,
    protected readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock();
  }

  /** A lead of the caller's partner; any other lead is not found. */
  async getForPartner(caller: PartnerCaller, leadId: string): Promise<Lead> {
    const lead = await this.reads.get(leadId);
    if (!lead || lead.partnerId !== caller.partnerId) throw new LeadNotFoundError();
    return lead;
  }

  /** A lead the sender sent; any other lead is not found. */
  async getForSender(sender: Sender, leadId: string): Promise<Lead> {
    const lead = await this.reads.get(leadId);
    if (!lead || lead.sender.id !== sender.id) throw new LeadNotFoundError();
    return lead;
  }

  listForPartner(
    caller: PartnerCaller,
    filter: { tab?: Tab | 'favorites'; stage?: Stage; before?: string; limit: number },
  ): Promise<Page<Lead>> {
    return this.reads.listForPartner({ ...caller, ...filter, now: this.clock() });
  }

  listForSender(sender: Sender, page: { before?: string; limit: number }): Promise<Page<Lead>> {
    const now = this.clock();
    // A sender record always carries its registration; without one, only what it sent from now on exists.
    const since = sender.registeredAt ?? now.toISOString();
    return this.reads.listForSender({ senderId: sender.id, ...page, now, since });
  }
}
