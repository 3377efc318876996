/** Builders for domain tests: a lead in any stage, at a fixed clock. */
import type { Lead, NewLead } from '../../functions/domain/lead.js';
import { applyChange, type Command, plan, receive, type Windows } from '../../functions/domain/lifecycle.js';

export const windows: Windows = {
  responseMs: 14 * 86_400_000,
  contactNowMs: 72 * 3_600_000,
  reminderMs: 48 * 3_600_000,
};
export const t0 = new Date('2026-11-25T10:00:00.000Z');
export const at = (ms: number) => new Date(t0.getTime() + ms);
export const partner = { type: 'partner-user' as const, id: 'user-1' };

export const newLead = (overrides: Partial<NewLead> = {}): NewLead => ({
  partnerId: 'contoso',
  type: 'customer-inquiry',
  customer: {
    companyName: 'Fabrikam Ltd',
    contactName: 'Ana Rossi',
    email: 'ana@fabrikam.example',
    country: 'IT',
  },
  need: { title: 'Move our ERP to Azure' },
  contactRequested: true,
  ...overrides,
});

export const received = (overrides: Partial<NewLead> = {}): Lead =>
  receive(newLead(overrides), {
    id: '01JD0000000000000000000000',
    now: t0,
    sender: { id: 'microsoft-marketing', kind: 'microsoft', name: 'Microsoft Marketing' },
    windows,
  });

export const deal = {
  name: 'Fabrikam ERP migration',
  value: { amount: 120000, currency: 'EUR' },
  estimatedCloseDate: '2027-03-31',
};

export const commands: Record<Command['action'], Command> = {
  accept: { action: 'accept', deal },
  decline: { action: 'decline', decline: { reason: 'no-capacity' } },
  edit: { action: 'edit', deal: { notes: 'call back' } },
  'add-contacts': { action: 'add-contacts', contacts: [{ name: 'Luca', email: 'luca@contoso.example' }] },
  won: { action: 'won', close: { notes: 'signed' } },
  lost: { action: 'lost', close: {} },
  expire: { action: 'expire', deadline: '2026-12-09T10:00:00.000Z' },
};

/** Runs a command against a lead in memory, as the partner `contoso` (or the platform, for expire). */
export const run = (lead: Lead, command: Command, now: Date = at(1000), ifMatch?: number) =>
  applyChange(
    lead,
    plan(lead.id, command, {
      now,
      actor: command.action === 'expire' ? { type: 'system', id: 'expiry' } : partner,
      partnerId: 'contoso',
      ...(ifMatch === undefined ? {} : { ifMatch: [ifMatch] }),
    }),
  );
