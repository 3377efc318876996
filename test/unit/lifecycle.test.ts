import fc from 'fast-check';
import { DomainError } from '../../functions/domain/errors.js';
import type { Lead } from '../../functions/domain/lead.js';
import { applyChange, type Command, limits, machine, plan } from '../../functions/domain/lifecycle.js';
import { at, commands, received, run, windows } from '../support/leads.js';

const states: Record<string, () => Lead> = {
  received: () => received(),
  'received, overdue': () => received(),
  accepted: () => run(received(), commands.accept),
  'archived (declined)': () => run(received(), commands.decline),
  'archived (won)': () => run(run(received(), commands.accept), commands.won),
  'archived (lost)': () => run(run(received(), commands.accept), commands.lost),
  'archived (expired)': () => run(received(), commands.expire, at(windows.responseMs)),
};
const overdue = at(windows.responseMs + 1);
const nowFor = (state: string) => (state === 'received, overdue' ? overdue : at(2000));

// What each action does in each state: the stage it leads to, or the error code that refuses it.
const expected: Record<string, Record<Command['action'], string>> = {
  received: {
    accept: 'accepted',
    decline: 'archived',
    edit: 'invalid-transition',
    'add-contacts': 'invalid-transition',
    won: 'invalid-transition',
    lost: 'invalid-transition',
    expire: 'invalid-transition',
  },
  'received, overdue': {
    accept: 'lead-expired',
    decline: 'lead-expired',
    edit: 'lead-archived',
    'add-contacts': 'lead-archived',
    won: 'lead-archived',
    lost: 'lead-archived',
    expire: 'archived',
  },
  accepted: {
    accept: 'invalid-transition',
    decline: 'invalid-transition',
    edit: 'accepted',
    'add-contacts': 'accepted',
    won: 'archived',
    lost: 'archived',
    expire: 'invalid-transition',
  },
  ...Object.fromEntries(
    ['archived (declined)', 'archived (won)', 'archived (lost)'].map((s) => [
      s,
      {
        accept: 'lead-archived',
        decline: 'lead-archived',
        edit: 'lead-archived',
        'add-contacts': 'lead-archived',
        won: 'lead-archived',
        lost: 'lead-archived',
        expire: 'invalid-transition',
      },
    ]),
  ),
  'archived (expired)': {
    accept: 'lead-expired',
    decline: 'lead-expired',
    edit: 'lead-archived',
    'add-contacts': 'lead-archived',
    won: 'lead-archived',
    lost: 'lead-archived',
    expire: 'invalid-transition',
  },
};

const outcome = (fn: () => Lead): string => {
  try {
    return fn().stage;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

describe('the life cycle, every state x action', () => {
  for (const [state, make] of Object.entries(states)) {
    for (const [action, result] of Object.entries(expected[state]!)) {
      it(`${state} + ${action} -> ${result}`, () => {
        expect(outcome(() => run(make(), commands[action as Command['action']], nowFor(state)))).toBe(result);
      });
    }
  }
});

describe('transitions', () => {
  it('accept stores the deal and contacts, bumps the version and records who did it', () => {
    const lead = run(received(), {
      action: 'accept',
      deal: commands.accept.action === 'accept' ? commands.accept.deal : undefined!,
      contacts: [{ name: 'Luca', email: 'l@c.example' }],
    });
    expect(lead).toMatchObject({
      stage: 'accepted',
      outcome: null,
      version: 2,
      contacts: [{ name: 'Luca' }],
    });
    expect(lead.deal?.name).toBe('Fabrikam ERP migration');
    expect(lead.history.at(-1)).toMatchObject({
      action: 'accept',
      from: 'received',
      to: 'accepted',
      by: { type: 'partner-user', id: 'user-1' },
    });
  });

  it('decline archives with the reason; won and lost archive with the close notes', () => {
    expect(run(received(), commands.decline)).toMatchObject({
      stage: 'archived',
      outcome: 'declined',
      decline: { reason: 'no-capacity' },
    });
    const accepted = run(received(), commands.accept);
    expect(run(accepted, commands.won)).toMatchObject({ outcome: 'won', closed: { notes: 'signed' } });
    expect(run(accepted, commands.lost).archivedAt).not.toBeNull();
  });

  it('edit sets and clears deal fields and lists what changed', () => {
    const accepted = run(received(), {
      action: 'accept',
      deal: { ...(commands.accept as { deal: Lead['deal'] }).deal!, crmId: 'CRM-1' },
    });
    const edited = run(accepted, { action: 'edit', deal: { name: 'Renamed', crmId: null } });
    expect(edited.deal).toMatchObject({ name: 'Renamed', value: { amount: 120000 } });
    expect(edited.deal).not.toHaveProperty('crmId');
    expect(edited.history.at(-1)?.fields).toEqual(['deal.name', 'deal.crmId']);
  });

  it('If-Match: the current version passes, any other is 412', () => {
    const lead = received();
    expect(run(lead, commands.accept, at(1000), 1).stage).toBe('accepted');
    expect(outcome(() => run(lead, commands.accept, at(1000), 2))).toBe('precondition-failed');
  });

  it('another partner gets not-found, whatever the stage', () => {
    const change = plan('x', commands.accept, {
      now: at(1),
      actor: { type: 'partner-user', id: 'u' },
      partnerId: 'other',
    });
    expect(outcome(() => applyChange(received(), change))).toBe('lead-not-found');
    expect(outcome(() => applyChange(undefined, change))).toBe('lead-not-found');
  });

  it('caps contacts per lead', () => {
    let lead = run(received(), commands.accept);
    const twenty = Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, email: `c${i}@x.example` }));
    lead = run(lead, { action: 'add-contacts', contacts: twenty });
    lead = run(lead, { action: 'add-contacts', contacts: twenty });
    expect(lead.contacts).toHaveLength(40);
    expect(outcome(() => run(lead, { action: 'add-contacts', contacts: twenty }))).toBe(
      'contacts-limit-reached',
    );
    expect(
      run(lead, { action: 'add-contacts', contacts: twenty.slice(0, limits.contacts - 40) }).contacts,
    ).toHaveLength(50);
  });
});

describe('limits and preconditions', () => {
  it('a lead full of edits can still be closed', () => {
    let lead = run(received(), commands.accept);
    lead = { ...lead, history: Array.from({ length: limits.history }, () => lead.history[0]!) };
    expect(outcome(() => run(lead, commands.edit))).toBe('history-limit-reached');
    expect(run(lead, commands.won)).toMatchObject({ stage: 'archived', outcome: 'won' });
    expect(run(lead, commands.lost).outcome).toBe('lost');
  });

  it('If-Match with a list matches any of its versions', () => {
    const lead = received();
    const change = (versions: number[]) =>
      plan(lead.id, commands.accept, {
        now: at(1),
        actor: { type: 'partner-user', id: 'u' },
        partnerId: 'contoso',
        ifMatch: versions,
      });
    expect(applyChange(lead, change([7, 1])).stage).toBe('accepted');
    expect(outcome(() => applyChange(lead, change([7, 8])))).toBe('precondition-failed');
    expect(outcome(() => applyChange(lead, change([])))).toBe('precondition-failed');
  });
});

describe('the response window boundary', () => {
  const lead = received();
  it('accept is allowed up to the last millisecond before respondBy', () => {
    expect(run(lead, commands.accept, at(windows.responseMs - 1)).stage).toBe('accepted');
  });
  it('accept is refused as expired from the instant respondBy passes', () => {
    expect(outcome(() => run(lead, commands.accept, at(windows.responseMs)))).toBe('lead-expired');
    expect(outcome(() => run(lead, commands.decline, at(windows.responseMs)))).toBe('lead-expired');
  });
  it('the platform may expire it only once the window has closed', () => {
    expect(outcome(() => run(lead, commands.expire, at(windows.responseMs - 1)))).toBe('invalid-transition');
    expect(run(lead, commands.expire, at(windows.responseMs))).toMatchObject({
      stage: 'archived',
      outcome: 'expired',
    });
  });
});

describe('properties', () => {
  const action = fc.constantFrom(...(Object.keys(machine) as Command['action'][]));
  it('any sequence of actions only ever moves along the machine, and archived is terminal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(action, fc.integer({ min: 0, max: 20 * 86_400_000 })), { maxLength: 12 }),
        (steps) => {
          let lead = received();
          let clock = 0;
          for (const [name, advance] of steps) {
            clock += advance;
            const before = lead;
            try {
              lead = run(lead, commands[name], at(clock));
            } catch (error) {
              expect(error).toBeInstanceOf(DomainError);
              expect(lead).toBe(before);
              continue;
            }
            const rule = machine[name];
            expect(before.stage).toBe(rule.from);
            expect(lead.stage).toBe(rule.to);
            expect(lead.version).toBe(before.version + 1);
            expect(lead.history).toHaveLength(before.history.length + 1);
            expect(before.stage).not.toBe('archived');
          }
        },
      ),
    );
  });

  it('a received lead is answerable exactly while now < respondBy', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 86_400_000 }), (ms) => {
        const open = ms < windows.responseMs;
        expect(outcome(() => run(received(), commands.accept, at(ms)))).toBe(
          open ? 'accepted' : 'lead-expired',
        );
      }),
    );
  });
});
