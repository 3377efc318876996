/**
 * The use cases of the lead life cycle: what each HTTP route asks of the domain. It depends on the
 * storage port, a clock and an id source, never on AWS.
 */
import { createHash } from 'node:crypto';
import { LeadNotFoundError } from './errors.js';
import type { Lead, NewLead, Sender, Stage, Tab } from './lead.js';
import { type Command, plan, receive, type Windows } from './lifecycle.js';
import type { LeadStore, Page } from './ports.js';

export type Clock = () => Date;

export interface PartnerCaller {
  partnerId: string;
  userSub: string;
}

export class LeadService {
  constructor(
    private readonly store: LeadStore,
    private readonly windows: Windows,
    private readonly clock: Clock,
    private readonly newId: (now: number) => string,
  ) {}

  now(): Date {
    return this.clock();
  }

  /** Takes in a lead from a sender; a replay of the same key and body returns the original. */
  async receive(sender: Sender, input: NewLead, idempotencyKey?: string) {
    const now = this.clock();
    const lead = receive(input, { id: this.newId(now.getTime()), now, sender, windows: this.windows });
    const claim = idempotencyKey
      ? {
          senderId: sender.id,
          key: idempotencyKey,
          fingerprint: createHash('sha256').update(JSON.stringify(input)).digest('base64url'),
        }
      : undefined;
    return this.store.create(lead, claim);
  }

  /** A lead of the caller's partner; any other lead is not found. */
  async getForPartner(caller: PartnerCaller, leadId: string): Promise<Lead> {
    const lead = await this.store.get(leadId);
    if (!lead || lead.partnerId !== caller.partnerId) throw new LeadNotFoundError();
    return lead;
  }

  /** A lead the sender sent; any other lead is not found. */
  async getForSender(sender: Sender, leadId: string): Promise<Lead> {
    const lead = await this.store.get(leadId);
    if (!lead || lead.sender.id !== sender.id) throw new LeadNotFoundError();
    return lead;
  }

  /** Any partner action: one conditional write, refused with the reason the domain gives. */
  act(caller: PartnerCaller, leadId: string, command: Command, ifMatch?: number): Promise<Lead> {
    const change = plan(leadId, command, {
      now: this.clock(),
      actor: { type: 'partner-user', id: caller.userSub },
      partnerId: caller.partnerId,
      ...(ifMatch === undefined ? {} : { ifMatch }),
    });
    return this.store.apply(change);
  }

  favorite(caller: PartnerCaller, leadId: string, favorite: boolean): Promise<void> {
    return this.store.setFavorite(leadId, caller.partnerId, caller.userSub, favorite);
  }

  listForPartner(
    caller: PartnerCaller,
    filter: { tab?: Tab | 'favorites'; stage?: Stage; before?: string; limit: number },
  ): Promise<Page<Lead>> {
    return this.store.listForPartner({ ...caller, ...filter, now: this.clock() });
  }

  listForSender(sender: Sender, page: { before?: string; limit: number }): Promise<Page<Lead>> {
    return this.store.listForSender({ senderId: sender.id, ...page });
  }
}
