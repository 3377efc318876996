/**
 * The use cases of the lead life cycle: what each HTTP route asks of the domain. It depends on the
 * storage port, a clock and an id source, never on AWS.
 */
import { createHash } from 'node:crypto';
import { DUPLICATE_WINDOW_DAYS, possibleDuplicates } from './duplicates.js';
import type { Lead, NewLead, Sender } from './lead.js';
import { type Clock, LeadReads, type PartnerCaller } from './lead-reads.js';
import { type Command, plan, receive, type Windows } from './lifecycle.js';
import { PartnerActions } from './partner-actions.js';
import type { LeadStore } from './ports.js';

export type { Clock, PartnerCaller } from './lead-reads.js';

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  // Stryker disable next-line EqualityOperator: equivalent; one more, empty, batch does nothing
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Every lead use case: the reads, intake, partner actions, favorites and expiry. */
export class LeadService extends LeadReads {
  private readonly actions: PartnerActions;

  constructor(
    private readonly store: LeadStore,
    private readonly windows: Windows,
    clock: Clock,
    private readonly newId: (now: number) => string,
  ) {
    super(store, clock);
    this.actions = new PartnerActions(store, clock);
  }

  /**
   * Takes in a lead from a sender, flagged with the open leads of the same customer the partner
   * already has (from any sender); a replay of the same key and body returns the original.
   */
  async receive(sender: Sender, input: NewLead, idempotencyKey?: string) {
    const now = this.clock();
    const since = new Date(now.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000).toISOString();
    const candidates = await this.store.openLeadsLike(input.partnerId, input.customer.email, since);
    const lead = {
      ...receive(input, { id: this.newId(now.getTime()), now, sender, windows: this.windows }),
      possibleDuplicates: possibleDuplicates(input.customer, candidates, now),
    };
    const idempotent = idempotencyKey
      ? {
          senderId: sender.id,
          key: idempotencyKey,
          fingerprint: createHash('sha256').update(JSON.stringify(input)).digest('base64url'),
        }
      : undefined;
    return this.store.create(lead, idempotent);
  }

  /** Any partner action: one conditional write, refused with the reason the domain gives. */
  applyPartnerAction(
    caller: PartnerCaller,
    leadId: string,
    command: Command,
    ifMatch?: number[],
  ): Promise<Lead> {
    return this.actions.apply(caller, leadId, command, ifMatch);
  }

  /**
   * Archives an unanswered lead whose window has closed. The same conditional transition serves
   * the TTL archiver and the reconciler, so a lead is archived once whichever comes first; a lead
   * that was answered, or is already archived, is left alone (false). Neither path uses the lead,
   * so nothing is read back: the write is all an expiry costs.
   */
  expire(
    due: { leadId: string; partnerId: string; respondBy: string },
    by: 'archiver' | 'reconciler',
  ): Promise<boolean> {
    const change = plan(
      due.leadId,
      { action: 'expire', deadline: due.respondBy },
      {
        now: this.clock(),
        actor: { type: 'system', id: `expiry-${by}` },
        partnerId: due.partnerId,
      },
    );
    return this.store.applyIfAllowed(change);
  }

  /**
   * One reconciler pass, at most `limit` leads of each kind:
   * - archives received leads whose deadline passed more than `graceMs` ago. Younger ones are left
   *   to DynamoDB's TTL, which normally archives them within minutes: the two paths never race for
   *   the same lead, so no write is refused as a no-op.
   * - asks for due reminders, and asks again every `reminderRetryMs` until the reminder's email is
   *   settled (sent, or nobody to send it to): a reminder whose email was lost is still sent later.
   */
  async reconcile(
    limit: number,
    options: { graceMs: number; reminderRetryMs: number },
  ): Promise<{ expired: number; reminded: number; settled: number }> {
    const now = this.clock();
    const [overdue, reminders] = await Promise.all([
      this.store.due('expiry', new Date(now.getTime() - options.graceMs), limit),
      this.store.due('reminder', now, limit),
    ]);
    let expired = 0;
    let reminded = 0;
    let settled = 0;
    for (const batch of chunks(overdue, 25)) {
      const results = await Promise.all(batch.map((d) => this.expire(d, 'reconciler')));
      expired += results.filter(Boolean).length;
    }
    const recheckAt = new Date(now.getTime() + options.reminderRetryMs);
    for (const batch of chunks(reminders, 25)) {
      const results = await Promise.all(
        batch.map(async (d) => {
          if (await this.store.reminderSettled(d.leadId)) {
            await this.store.clearReminder(d.leadId);
            return 'settled';
          }
          return (await this.store.markReminded(d.leadId, d.partnerId, now, recheckAt)) ? 'reminded' : 'gone';
        }),
      );
      reminded += results.filter((r) => r === 'reminded').length;
      settled += results.filter((r) => r === 'settled').length;
    }
    return { expired, reminded, settled };
  }

  favorite(caller: PartnerCaller, leadId: string, favorite: boolean): Promise<void> {
    return this.actions.favorite(caller, leadId, favorite);
  }
}
