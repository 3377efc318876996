/**
 * What each change writes, field by field: the plans the repository turns into conditional writes,
 * the lead after them, the read-time rules and the errors' public codes. The life-cycle tests say
 * whether a change is allowed; these say exactly what it does (mutation testing found the gaps).
 */
import { durationMs } from '../../functions/domain/duration.js';
import {
  ConfirmationLinkInvalidError,
  DomainError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  InvalidTransitionError,
  LeadArchivedError,
  LeadExpiredError,
  LeadNotFoundError,
  LimitReachedError,
  VersionMismatchError,
} from '../../functions/domain/errors.js';
import type { Lead } from '../../functions/domain/lead.js';
import {
  applyChange,
  type ChangeContext,
  explainRefusal,
  isOverdue,
  limits,
  plan,
  receive,
} from '../../functions/domain/lifecycle.js';
import { alertOf, asOf, historyView, partnerView, senderView } from '../../functions/domain/views.js';
import { at, commands, deal, newLead, partner, received, run, t0, windows } from '../support/leads.js';

const now = at(1000);
const iso = now.toISOString();
const respondBy = '2026-12-09T10:00:00.000Z';
const ctx: ChangeContext = { now, actor: partner, partnerId: 'contoso' };
const contact = { name: 'Luca', email: 'luca@contoso.example' };
const accepted = (): Lead => run(received(), commands.accept);

describe('receive', () => {
  it('writes the whole new lead: window, reminder, sender, first history entry', () => {
    const sender = { id: 'microsoft-marketing', kind: 'microsoft' as const, name: 'Microsoft Marketing' };
    const registered = { ...sender, notificationEmail: 'leads@microsoft.example' };
    const lead = receive(newLead({ externalId: 'CRM-1' }), {
      id: 'L1',
      now: t0,
      // The whole sender record: only its id, kind and name are copied onto the lead.
      sender: registered,
      windows,
    });
    expect(lead).toStrictEqual({
      id: 'L1',
      partnerId: 'contoso',
      type: 'customer-inquiry',
      sender,
      customer: newLead().customer,
      need: newLead().need,
      externalId: 'CRM-1',
      contactRequested: true,
      receivedAt: t0.toISOString(),
      respondBy,
      remindAt: '2026-12-07T10:00:00.000Z',
      stage: 'received',
      outcome: null,
      deal: null,
      contacts: [],
      decline: null,
      closed: null,
      archivedAt: null,
      version: 1,
      updatedAt: t0.toISOString(),
      history: [
        {
          at: t0.toISOString(),
          by: { type: 'sender', id: sender.id },
          action: 'receive',
          from: null,
          to: 'received',
        },
      ],
    });
  });

  it('leaves externalId out when none was sent', () => {
    expect(received()).not.toHaveProperty('externalId');
  });

  it('sets no reminder unless it falls after receipt', () => {
    const remindAt = (responseMs: number, reminderMs: number) =>
      receive(newLead(), {
        id: 'L1',
        now: t0,
        sender: received().sender,
        windows: { ...windows, responseMs, reminderMs },
      }).remindAt;
    expect(remindAt(3_600_000, 3_600_000)).toBeNull();
    expect(remindAt(3_600_000, 7_200_000)).toBeNull();
    expect(remindAt(3_600_001, 3_600_000)).toBe(new Date(t0.getTime() + 1).toISOString());
  });
});

describe('plan: the guard and the assignments of each command', () => {
  it('accept: open window, the deal, the contacts and room for them', () => {
    expect(
      plan('L1', { action: 'accept', deal, contacts: [contact] }, { ...ctx, ifMatch: [1, 2] }),
    ).toStrictEqual({
      leadId: 'L1',
      action: 'accept',
      guard: {
        stage: 'received',
        partnerId: 'contoso',
        versions: [1, 2],
        openAt: iso,
        contactsAtMost: limits.contacts - 1,
      },
      set: { stage: 'accepted', updatedAt: iso, deal },
      dealSet: {},
      dealRemove: [],
      appendContacts: [contact],
      history: { at: iso, by: partner, action: 'accept', from: 'received', to: 'accepted' },
    });
  });

  it('accept without contacts checks no contact room', () => {
    const change = plan('L1', commands.accept, ctx);
    expect(change.guard).toStrictEqual({ stage: 'received', partnerId: 'contoso', openAt: iso });
    expect(change.appendContacts).toStrictEqual([]);
  });

  it('decline: archives now as declined, with the reason', () => {
    expect(plan('L1', commands.decline, ctx)).toStrictEqual({
      leadId: 'L1',
      action: 'decline',
      guard: { stage: 'received', partnerId: 'contoso', openAt: iso },
      set: {
        stage: 'archived',
        updatedAt: iso,
        outcome: 'declined',
        archivedAt: iso,
        decline: { reason: 'no-capacity' },
      },
      dealSet: {},
      dealRemove: [],
      appendContacts: [],
      history: { at: iso, by: partner, action: 'decline', from: 'received', to: 'archived' },
    });
  });

  it('edit: sets what is given, removes what is null, skips what is absent, and lists the fields', () => {
    const change = plan(
      'L1',
      { action: 'edit', deal: { name: 'N', notes: null, crmId: undefined, campaignId: 'C' } },
      ctx,
    );
    expect(change).toStrictEqual({
      leadId: 'L1',
      action: 'edit',
      guard: { stage: 'accepted', historyBelow: limits.history, partnerId: 'contoso' },
      set: { stage: 'accepted', updatedAt: iso },
      dealSet: { name: 'N', campaignId: 'C' },
      dealRemove: ['notes'],
      appendContacts: [],
      history: {
        at: iso,
        by: partner,
        action: 'edit',
        from: 'accepted',
        to: 'accepted',
        fields: ['deal.name', 'deal.notes', 'deal.campaignId'],
      },
    });
  });

  it('add-contacts: appends them, with room for exactly them', () => {
    const change = plan('L1', { action: 'add-contacts', contacts: [contact, contact] }, ctx);
    expect(change.guard).toStrictEqual({
      stage: 'accepted',
      historyBelow: limits.history,
      partnerId: 'contoso',
      contactsAtMost: limits.contacts - 2,
    });
    expect(change.appendContacts).toStrictEqual([contact, contact]);
    expect(change.history.fields).toStrictEqual(['contacts']);
    expect(change.set).toStrictEqual({ stage: 'accepted', updatedAt: iso });
  });

  it.each(['won', 'lost'] as const)('%s: archives now with the close notes and when', (action) => {
    const change = plan('L1', { action, close: { notes: 'n' } }, ctx);
    expect(change.guard).toStrictEqual({ stage: 'accepted', partnerId: 'contoso' });
    expect(change.set).toStrictEqual({
      stage: 'archived',
      updatedAt: iso,
      outcome: action,
      archivedAt: iso,
      closed: { notes: 'n', at: iso },
    });
    expect(change.history).toStrictEqual({ at: iso, by: partner, action, from: 'accepted', to: 'archived' });
  });

  it('expire: only once the window has closed, dated at the deadline, not at the moment it runs', () => {
    const system = { type: 'system' as const, id: 'expiry' };
    const later = at(20 * 86_400_000);
    expect(plan('L1', commands.expire, { now: later, actor: system })).toStrictEqual({
      leadId: 'L1',
      action: 'expire',
      guard: { stage: 'received', closedAt: later.toISOString() },
      set: { stage: 'archived', updatedAt: later.toISOString(), outcome: 'expired', archivedAt: respondBy },
      dealSet: {},
      dealRemove: [],
      appendContacts: [],
      history: { at: respondBy, by: system, action: 'expire', from: 'received', to: 'archived' },
    });
  });
});

describe('applyChange: the lead after the write', () => {
  it('an edit that only sets fields changes the deal', () => {
    const lead = run(accepted(), { action: 'edit', deal: { crmId: 'CRM-9' } });
    expect(lead.deal).toStrictEqual({ ...deal, crmId: 'CRM-9' });
  });

  it('an edit that only clears fields removes them from the deal', () => {
    const withNotes = run(accepted(), { action: 'edit', deal: { notes: 'x' } });
    const lead = run(withNotes, { action: 'edit', deal: { notes: null } });
    expect(lead.deal).toStrictEqual(deal);
    expect(lead.deal).not.toHaveProperty('notes');
  });

  it('bumps the version by one, appends contacts and the history entry, keeps the rest', () => {
    const before = accepted();
    const after = run(before, { action: 'add-contacts', contacts: [contact] }, at(5000));
    expect(after).toStrictEqual({
      ...before,
      updatedAt: at(5000).toISOString(),
      version: before.version + 1,
      contacts: [...before.contacts, contact],
      history: [
        ...before.history,
        {
          at: at(5000).toISOString(),
          by: partner,
          action: 'add-contacts',
          from: 'accepted',
          to: 'accepted',
          fields: ['contacts'],
        },
      ],
    });
  });

  it('a deal set whole replaces the one the item holds; only a patch merges into it', () => {
    // The repository writes an accept's deal as one attribute, so the mirror must not merge it
    // into a deal the item already carries (a lead never accepted carries none today).
    const stale = { name: 'Old', value: { amount: 1, currency: 'USD' }, estimatedCloseDate: '2026-01-01' };
    const lead = applyChange({ ...received(), deal: stale }, plan('L1', commands.accept, ctx));
    expect(lead.deal).toStrictEqual(deal);
  });

  it('throws the refusal', () => {
    expect(() => applyChange(undefined, plan('L1', commands.accept, ctx))).toThrow(LeadNotFoundError);
  });
});

describe('isOverdue and explainRefusal', () => {
  it('only a received lead is overdue, from the instant respondBy passes', () => {
    const lead = received();
    expect(isOverdue(lead, respondBy)).toBe(true);
    expect(isOverdue(lead, new Date(Date.parse(respondBy) - 1))).toBe(false);
    expect(isOverdue(lead, new Date(respondBy))).toBe(true);
    expect(isOverdue(accepted(), at(30 * 86_400_000))).toBe(false);
  });

  it('an accepted lead past respondBy can still be edited and closed', () => {
    const late = at(30 * 86_400_000);
    expect(run(accepted(), commands.edit, late).stage).toBe('accepted');
    expect(run(accepted(), commands.won, late).outcome).toBe('won');
  });

  it('an archived lead is archived, not expired, for edits; an expired one refuses accept as expired', () => {
    const declined = run(received(), commands.decline);
    expect(explainRefusal(declined, plan('L1', commands.accept, ctx))).toBeInstanceOf(LeadArchivedError);
    const expired = run(received(), commands.expire, at(15 * 86_400_000));
    expect(explainRefusal(expired, plan('L1', commands.decline, ctx))).toBeInstanceOf(LeadExpiredError);
    expect(explainRefusal(expired, plan('L1', commands.edit, ctx))).toBeInstanceOf(LeadArchivedError);
  });

  it('expiring a lead whose window is still open names why', () => {
    const refusal = explainRefusal(received(), plan('L1', commands.expire, { now, actor: partner }));
    expect(refusal).toBeInstanceOf(InvalidTransitionError);
    expect(refusal?.message).toBe('A lead in stage received (not yet due) cannot take the action expire.');
  });

  it('a wrong stage names the stage and the action', () => {
    const refusal = explainRefusal(received(), plan('L1', commands.edit, ctx));
    expect(refusal?.message).toBe('A lead in stage received cannot take the action edit.');
  });

  it('contacts: exactly at the cap passes, one over is refused', () => {
    const lead = { ...accepted(), contacts: Array.from({ length: limits.contacts - 1 }, () => contact) };
    expect(
      explainRefusal(lead, plan('L1', { action: 'add-contacts', contacts: [contact] }, ctx)),
    ).toBeUndefined();
    const refusal = explainRefusal(
      lead,
      plan('L1', { action: 'add-contacts', contacts: [contact, contact] }, ctx),
    );
    expect(refusal).toMatchObject({ status: 409, code: 'contacts-limit-reached' });
  });

  it('history: one entry below the cap passes, at the cap an edit is refused', () => {
    const entry = accepted().history[0]!;
    const full = (n: number) => ({ ...accepted(), history: Array.from({ length: n }, () => entry) });
    expect(explainRefusal(full(limits.history - 1), plan('L1', commands.edit, ctx))).toBeUndefined();
    expect(explainRefusal(full(limits.history), plan('L1', commands.edit, ctx))).toMatchObject({
      code: 'history-limit-reached',
      message: `A lead holds at most ${limits.history} history entries.`,
    });
  });
});

describe('read-time rules and views', () => {
  const overdueAt = new Date(Date.parse(respondBy) + 1000);

  it('an overdue received lead reads as expired at its deadline, with the expiry once in its history', () => {
    const lead = received();
    const expected = {
      ...lead,
      stage: 'archived',
      outcome: 'expired',
      archivedAt: respondBy,
      history: [
        ...lead.history,
        {
          at: respondBy,
          by: { type: 'system', id: 'expiry' },
          action: 'expire',
          from: 'received',
          to: 'archived',
        },
      ],
    };
    expect(asOf(lead, overdueAt)).toStrictEqual(expected);
    expect(historyView(lead, overdueAt)).toStrictEqual(expected.history);
    expect(asOf(lead, now)).toBe(lead);
  });

  it('the alert: contact-now in the first window, then contact-requested, none once answered or unrequested', () => {
    const lead = received();
    expect(alertOf(lead, new Date(t0.getTime() + windows.contactNowMs - 1), windows)).toBe('contact-now');
    expect(alertOf(lead, new Date(t0.getTime() + windows.contactNowMs), windows)).toBe('contact-requested');
    expect(alertOf(received({ contactRequested: false }), now, windows)).toBeNull();
    expect(alertOf(accepted(), now, windows)).toBeNull();
    expect(alertOf(lead, overdueAt, windows)).toBeNull();
  });

  it('the partner view: every field, externalId kept, favorite only for users who set it', () => {
    const lead = { ...received({ externalId: 'CRM-1' }), favoritedBy: ['user-2'] };
    expect(partnerView(lead, now, windows, 'user-1')).toStrictEqual({
      id: lead.id,
      partnerId: 'contoso',
      type: 'customer-inquiry',
      tab: 'marketplace',
      stage: 'received',
      outcome: null,
      sender: lead.sender,
      customer: lead.customer,
      need: lead.need,
      externalId: 'CRM-1',
      contactRequested: true,
      alert: 'contact-now',
      receivedAt: lead.receivedAt,
      respondBy,
      deal: null,
      contacts: [],
      decline: null,
      closed: null,
      archivedAt: null,
      favorite: false,
      version: 1,
      possibleDuplicates: [],
    });
    expect(partnerView(lead, now, windows, 'user-2').favorite).toBe(true);
    expect(partnerView(received(), now, windows, 'user-1')).toMatchObject({
      favorite: false,
      externalId: null,
    });
    expect(partnerView(received(), overdueAt, windows, 'user-1')).toMatchObject({
      stage: 'archived',
      outcome: 'expired',
    });
  });

  it('the sender view: what it sent, the outcome and only the headline of the deal', () => {
    const lead = run(run(received({ externalId: 'CRM-1' }), commands.accept), {
      action: 'edit',
      deal: { notes: 'secret', crmId: 'X' },
    });
    expect(senderView(lead, now)).toStrictEqual({
      id: lead.id,
      partnerId: 'contoso',
      type: 'customer-inquiry',
      stage: 'accepted',
      outcome: null,
      receivedAt: lead.receivedAt,
      respondBy,
      archivedAt: null,
      externalId: 'CRM-1',
      customer: lead.customer,
      need: lead.need,
      contactRequested: true,
      deal: { name: deal.name, value: deal.value, estimatedCloseDate: deal.estimatedCloseDate },
    });
    expect(senderView(received(), now)).toMatchObject({ deal: null, externalId: null });
    expect(senderView(received(), overdueAt)).toMatchObject({
      stage: 'archived',
      outcome: 'expired',
      archivedAt: respondBy,
    });
  });
});

describe('errors: the public status, code, title and detail of each', () => {
  it.each([
    [
      () => new InvalidInputError([], 'The period is too long.'),
      400,
      'validation-failed',
      'Validation failed',
      'The period is too long.',
    ],
    [() => new LeadNotFoundError(), 404, 'lead-not-found', 'Lead not found', 'Lead not found'],
    [
      () => new LeadArchivedError(),
      409,
      'lead-archived',
      'Lead is archived',
      'An archived lead is read-only.',
    ],
    [
      () => new LeadExpiredError(),
      409,
      'lead-expired',
      'Lead has expired',
      'The response window for this lead has passed.',
    ],
    [
      () => new InvalidTransitionError('won', 'received'),
      409,
      'invalid-transition',
      'Invalid transition',
      'A lead in stage received cannot take the action won.',
    ],
    [
      () => new VersionMismatchError(),
      412,
      'precondition-failed',
      'Precondition failed',
      'The lead changed since the given ETag.',
    ],
    [
      () => new VersionMismatchError('profile'),
      412,
      'precondition-failed',
      'Precondition failed',
      'The profile changed since the given ETag.',
    ],
    [
      () => new LimitReachedError('contacts', 50),
      409,
      'contacts-limit-reached',
      'Limit reached',
      'A lead holds at most 50 contacts entries.',
    ],
    [
      () => new IdempotencyKeyReusedError(),
      409,
      'idempotency-key-reused',
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body.',
    ],
    [
      () => new IdempotencyInProgressError(),
      409,
      'idempotency-key-in-progress',
      'Request in progress',
      'Retry shortly.',
    ],
    [
      () => new ConfirmationLinkInvalidError(),
      404,
      'confirmation-link-invalid',
      'Confirmation link not valid',
      'This confirmation link is unknown, has expired or was already used. Ask the partner to save its profile again for a new one.',
    ],
  ])(
    '%#: each built inside its test, so the test covers its constructor',
    (make, status, code, title, message) => {
      const error = make();
      expect(error).toBeInstanceOf(DomainError);
      expect({
        status: error.status,
        code: error.code,
        title: error.title,
        message: error.message,
        name: error.name,
      }).toStrictEqual({
        status,
        code,
        title,
        message,
        name: error.constructor.name,
      });
    },
  );
});

describe('durationMs', () => {
  it('reads ISO 8601 durations in milliseconds', () => {
    expect(durationMs('P14D')).toBe(14 * 86_400_000);
    expect(durationMs('PT72H')).toBe(72 * 3_600_000);
    expect(durationMs('PT0.5S')).toBe(500);
  });

  it('refuses a zero or malformed duration, naming it', () => {
    expect(() => durationMs('PT0S')).toThrow('not a positive ISO 8601 duration: PT0S');
    expect(() => durationMs('14 days')).toThrow();
  });
});
