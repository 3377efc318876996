/**
 * The lead life cycle (SPEC §3) as a state machine. Pure: no AWS, no I/O, time passed in.
 *
 * A partner action is planned as a `Change` without reading the lead first: a guard (what must hold
 * for the change to apply) and the assignments it makes. The repository turns the guard into one
 * conditional write; when that write is refused, `explainRefusal` reads the old item the write
 * returned and says why, with the same rules `applyChange` checks in memory.
 */

import {
  type DomainError,
  InvalidTransitionError,
  LeadArchivedError,
  LeadExpiredError,
  LeadNotFoundError,
  LimitReachedError,
  VersionMismatchError,
} from './errors.js';
import type {
  Action,
  Actor,
  Close,
  Contact,
  Deal,
  Decline,
  HistoryEntry,
  Lead,
  NewLead,
  Outcome,
  Sender,
  Stage,
} from './lead.js';

/** Hard caps that keep a lead item far below DynamoDB's 400 KB item limit. */
export const limits = { contacts: 50, history: 500 } as const;

type Transition = { from: Stage; to: Stage; outcome?: Outcome };

/** The only transitions there are. */
export const machine: Record<Exclude<Action, 'receive'>, Transition> = {
  accept: { from: 'received', to: 'accepted' },
  decline: { from: 'received', to: 'archived', outcome: 'declined' },
  expire: { from: 'received', to: 'archived', outcome: 'expired' },
  edit: { from: 'accepted', to: 'accepted' },
  'add-contacts': { from: 'accepted', to: 'accepted' },
  won: { from: 'accepted', to: 'archived', outcome: 'won' },
  lost: { from: 'accepted', to: 'archived', outcome: 'lost' },
};

/** Fields a PATCH may change; optional texts may be cleared with null. */
export interface DealPatch {
  name?: string;
  value?: Deal['value'];
  estimatedCloseDate?: string;
  notes?: string | null;
  crmId?: string | null;
  campaignId?: string | null;
}

export type Command =
  | { action: 'accept'; deal: Deal; contacts?: Contact[] }
  | { action: 'decline'; decline: Decline }
  | { action: 'edit'; deal: DealPatch }
  | { action: 'add-contacts'; contacts: Contact[] }
  | { action: 'won' | 'lost'; close: Close }
  | { action: 'expire'; deadline: string };

export interface ChangeContext {
  now: Date;
  actor: Actor;
  /** The partner from the caller's token; absent only for the platform's own changes. */
  partnerId?: string;
  /** The versions an `If-Match` header names (any of them matches). */
  ifMatch?: number[];
}

/** What must hold for a change to apply; each field is one clause of the conditional write. */
export interface Guard {
  partnerId?: string;
  stage: Stage;
  /** The lead is still inside its response window at this instant (respondBy > now). */
  openAt?: string;
  /** The response window has closed at this instant (respondBy <= now). */
  closedAt?: string;
  /** The lead holds at most this many contacts before the change. */
  contactsAtMost?: number;
  /** The lead holds fewer history entries than this before the change (edits only: closing is always possible). */
  historyBelow?: number;
  /** The versions an If-Match header names: the lead must be at one of them. */
  versions?: number[];
}

export interface Change {
  leadId: string;
  action: Exclude<Action, 'receive'>;
  guard: Guard;
  /** Top-level attributes the change assigns. */
  set: Partial<Pick<Lead, 'stage' | 'outcome' | 'deal' | 'decline' | 'closed' | 'archivedAt' | 'updatedAt'>>;
  /** Fields of an existing deal to assign or remove (edit). */
  dealSet: Partial<Deal>;
  dealRemove: Array<'notes' | 'crmId' | 'campaignId'>;
  appendContacts: Contact[];
  history: HistoryEntry;
}

export interface Windows {
  /** How long a partner has to answer a lead (LEAD_RESPONSE_WINDOW). */
  responseMs: number;
  /** How long a contact request counts as `contact-now` (CONTACT_NOW_WINDOW). */
  contactNowMs: number;
  /** How long before `respondBy` the unanswered-lead reminder goes out (REMINDER_BEFORE). */
  reminderMs: number;
}

/** A new lead as a sender posts it, received now. */
export function receive(
  input: NewLead,
  ctx: { id: string; now: Date; sender: Pick<Sender, 'id' | 'kind' | 'name'>; windows: Windows },
): Lead {
  const at = ctx.now.toISOString();
  const { partnerId, type, customer, need, contactRequested, externalId } = input;
  const respondBy = ctx.now.getTime() + ctx.windows.responseMs;
  const remindAt = respondBy - ctx.windows.reminderMs;
  return {
    id: ctx.id,
    partnerId,
    type,
    sender: { id: ctx.sender.id, kind: ctx.sender.kind, name: ctx.sender.name },
    customer,
    need,
    ...(externalId === undefined ? {} : { externalId }),
    contactRequested,
    receivedAt: at,
    respondBy: new Date(respondBy).toISOString(),
    remindAt: remindAt > ctx.now.getTime() ? new Date(remindAt).toISOString() : null,
    stage: 'received',
    outcome: null,
    deal: null,
    contacts: [],
    decline: null,
    closed: null,
    archivedAt: null,
    version: 1,
    updatedAt: at,
    history: [
      { at, by: { type: 'sender', id: ctx.sender.id }, action: 'receive', from: null, to: 'received' },
    ],
  };
}

/** Plans a command as a guarded change, without reading the lead. */
export function plan(leadId: string, command: Command, ctx: ChangeContext): Change {
  const { from, to, outcome } = machine[command.action];
  const at = ctx.now.toISOString();
  const guard: Guard = { stage: from };
  // Only edits are capped: a lead full of edits can still be won, lost, declined or expire.
  if (from === to) guard.historyBelow = limits.history;
  if (ctx.partnerId !== undefined) guard.partnerId = ctx.partnerId;
  if (ctx.ifMatch !== undefined) guard.versions = ctx.ifMatch;
  if (command.action === 'expire') guard.closedAt = at;
  else if (from === 'received') guard.openAt = at;

  const change: Change = {
    leadId,
    action: command.action,
    guard,
    set: { stage: to, updatedAt: at },
    dealSet: {},
    dealRemove: [],
    appendContacts: [],
    history: { at, by: ctx.actor, action: command.action, from, to },
  };
  if (outcome !== undefined) {
    change.set.outcome = outcome;
    change.set.archivedAt = at;
  }

  switch (command.action) {
    case 'accept':
      change.set.deal = command.deal;
      change.appendContacts = command.contacts ?? [];
      break;
    case 'decline':
      change.set.decline = command.decline;
      break;
    case 'edit': {
      const fields: string[] = [];
      for (const [key, value] of Object.entries(command.deal) as [keyof DealPatch, unknown][]) {
        if (value === undefined) continue;
        fields.push(`deal.${key}`);
        if (value === null) change.dealRemove.push(key as 'notes' | 'crmId' | 'campaignId');
        else Object.assign(change.dealSet, { [key]: value });
      }
      change.history.fields = fields;
      break;
    }
    case 'add-contacts':
      change.appendContacts = command.contacts;
      change.history.fields = ['contacts'];
      break;
    case 'won':
    case 'lost':
      change.set.closed = { ...command.close, at };
      break;
    case 'expire':
      // The lead expired at its deadline, whenever the platform gets to record it: reads before
      // and after archiving agree (SPEC §3).
      change.history.at = command.deadline;
      change.set.archivedAt = command.deadline;
      break;
  }
  if (change.appendContacts.length > 0) guard.contactsAtMost = limits.contacts - change.appendContacts.length;
  return change;
}

/** A received lead whose window has closed is expired, whatever the stored stage still says. */
export const isOverdue = (lead: Pick<Lead, 'stage' | 'respondBy'>, now: Date | string): boolean =>
  lead.stage === 'received' && lead.respondBy <= (typeof now === 'string' ? now : now.toISOString());

/**
 * Why a guard does not hold on a lead (`undefined` when it holds). Also explains a refused
 * conditional write from the old item DynamoDB returns with it.
 */
export function explainRefusal(lead: Lead | undefined, change: Change): DomainError | undefined {
  const { guard } = change;
  if (lead === undefined || (guard.partnerId !== undefined && lead.partnerId !== guard.partnerId)) {
    return new LeadNotFoundError();
  }
  if (guard.versions !== undefined && !guard.versions.includes(lead.version))
    return new VersionMismatchError();
  const now = guard.openAt ?? guard.closedAt ?? change.history.at;
  const expired = lead.outcome === 'expired' || isOverdue(lead, now);
  if (change.action !== 'expire' && (lead.stage === 'archived' || expired)) {
    return expired && (change.action === 'accept' || change.action === 'decline')
      ? new LeadExpiredError()
      : new LeadArchivedError();
  }
  if (lead.stage !== guard.stage) return new InvalidTransitionError(change.action, lead.stage);
  if (guard.closedAt !== undefined && lead.respondBy > guard.closedAt) {
    return new InvalidTransitionError(change.action, 'received (not yet due)');
  }
  if (guard.contactsAtMost !== undefined && lead.contacts.length > guard.contactsAtMost) {
    return new LimitReachedError('contacts', limits.contacts);
  }
  if (guard.historyBelow !== undefined && lead.history.length >= guard.historyBelow) {
    return new LimitReachedError('history', limits.history);
  }
  return undefined;
}

/** The lead after a change, or the error that refuses it. The write the repository makes mirrors this. */
export function applyChange(lead: Lead | undefined, change: Change): Lead {
  const refusal = explainRefusal(lead, change);
  if (refusal) throw refusal;
  const current = lead as Lead;
  const next: Lead = {
    ...current,
    ...change.set,
    contacts: [...current.contacts, ...change.appendContacts],
    history: [...current.history, change.history],
    version: current.version + 1,
  };
  if (current.deal && (Object.keys(change.dealSet).length > 0 || change.dealRemove.length > 0)) {
    const deal: Deal = { ...current.deal, ...change.dealSet };
    for (const key of change.dealRemove) delete deal[key];
    next.deal = deal;
  }
  return next;
}
