/**
 * What a partner does to one lead: the life-cycle actions (one conditional write each) and the
 * favorite mark. On their own so an action route bundles and builds neither the intake (duplicate
 * flagging, ids) nor the reads and expiry `LeadService` gathers. No AWS here.
 */
import type { Lead } from './lead.js';
import type { Clock, PartnerCaller } from './lead-reads.js';
import { type Command, plan } from './lifecycle.js';
import type { LeadStore } from './ports.js';

/** The store the partner actions need: a planned change applied, a favorite set or cleared. */
export type PartnerActionStore = Pick<LeadStore, 'apply' | 'setFavorite'>;

export class PartnerActions {
  constructor(
    private readonly store: PartnerActionStore,
    private readonly clock: Clock,
  ) {}

  /** Any partner action: one conditional write, refused with the reason the domain gives. */
  apply(caller: PartnerCaller, leadId: string, command: Command, ifMatch?: number[]): Promise<Lead> {
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
}
