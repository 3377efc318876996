/**
 * LeadService against a recording store: what each use case asks the store to write or read,
 * exactly (the plans, the idempotency record, the windows it queries), and what it returns.
 */
import { createHash } from 'node:crypto';
import type { Lead, Sender } from '../../functions/domain/lead.js';
import { LeadService } from '../../functions/domain/lead-service.js';
import { type Change, plan } from '../../functions/domain/lifecycle.js';
import type { Due, LeadStore } from '../../functions/domain/ports.js';
import { commands, newLead, received, windows } from '../support/leads.js';

const now = new Date('2026-12-01T12:00:00.000Z');
const sender: Sender = {
  id: 'microsoft-marketing',
  kind: 'microsoft',
  name: 'Microsoft Marketing',
  notificationEmail: 'leads@microsoft.example',
  registeredAt: '2026-01-01T00:00:00.000Z',
};
const caller = { partnerId: 'contoso', userSub: 'user-1' };

/** A store that records every call and answers from what the test gives it. */
function recordingStore(answers: Partial<LeadStore> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const record =
    <A extends unknown[], R>(name: string, answer: (...args: A) => R) =>
    (...args: A): R => {
      calls.push([name, ...args]);
      return answer(...args);
    };
  const store: LeadStore = {
    create: record('create', answers.create ?? (async (lead: Lead) => ({ lead, replayed: false }))),
    get: record('get', answers.get ?? (async () => undefined)),
    apply: record('apply', answers.apply ?? (async () => received())),
    applyIfAllowed: record('applyIfAllowed', answers.applyIfAllowed ?? (async () => true)),
    setFavorite: record('setFavorite', answers.setFavorite ?? (async () => undefined)),
    listForPartner: record('listForPartner', answers.listForPartner ?? (async () => ({ items: [] }))),
    listForSender: record('listForSender', answers.listForSender ?? (async () => ({ items: [] }))),
    senderForClient: record('senderForClient', answers.senderForClient ?? (async () => undefined)),
    due: record('due', answers.due ?? (async () => [])),
    markReminded: record('markReminded', answers.markReminded ?? (async () => true)),
    reminderSettled: record('reminderSettled', answers.reminderSettled ?? (async () => false)),
    clearReminder: record('clearReminder', answers.clearReminder ?? (async () => undefined)),
    openLeadsLike: record('openLeadsLike', answers.openLeadsLike ?? (async () => [])),
  };
  const ids: number[] = [];
  const service = new LeadService(
    store,
    windows,
    () => now,
    (ms) => {
      ids.push(ms);
      return '01JD0000000000000000000000';
    },
  );
  return { calls, service, ids };
}

describe('receive', () => {
  it('looks for duplicates of the last 30 days, stores the lead with them, no idempotency record without a key', async () => {
    const { calls, service, ids } = recordingStore();
    const { lead } = await service.receive(sender, newLead());
    expect(ids).toStrictEqual([now.getTime()]);
    expect(calls[0]).toStrictEqual([
      'openLeadsLike',
      'contoso',
      'ana@fabrikam.example',
      '2026-11-01T12:00:00.000Z',
    ]);
    expect(calls[1]).toStrictEqual(['create', lead, undefined]);
    expect(lead).toMatchObject({
      id: '01JD0000000000000000000000',
      sender: { id: sender.id, kind: sender.kind, name: sender.name },
      receivedAt: now.toISOString(),
      possibleDuplicates: [],
    });
  });

  it('with a key, stores the idempotency record: sender, key and the body fingerprint', async () => {
    const { calls, service } = recordingStore();
    await service.receive(sender, newLead(), 'key-1');
    const fingerprint = createHash('sha256').update(JSON.stringify(newLead())).digest('base64url');
    expect(calls[1]?.[2]).toStrictEqual({ senderId: sender.id, key: 'key-1', fingerprint });
  });
});

describe('reads', () => {
  it('a lead of another partner, or another sender, is not found', async () => {
    const lead = received();
    const { service } = recordingStore({ get: async () => lead });
    await expect(service.getForPartner(caller, lead.id)).resolves.toBe(lead);
    await expect(service.getForPartner({ ...caller, partnerId: 'fabrikam' }, lead.id)).rejects.toMatchObject({
      code: 'lead-not-found',
    });
    await expect(service.getForSender(sender, lead.id)).resolves.toBe(lead);
    await expect(service.getForSender({ ...sender, id: 'other' }, lead.id)).rejects.toMatchObject({
      code: 'lead-not-found',
    });
    const empty = recordingStore().service;
    await expect(empty.getForPartner(caller, lead.id)).rejects.toMatchObject({ code: 'lead-not-found' });
    await expect(empty.getForSender(sender, lead.id)).rejects.toMatchObject({ code: 'lead-not-found' });
  });

  it('lists with the caller, the filter and the clock; a sender only since its registration', async () => {
    const { calls, service } = recordingStore();
    await service.listForPartner(caller, { tab: 'favorites', limit: 10 });
    await service.listForSender(sender, { before: 'L9', limit: 5 });
    const { registeredAt: _, ...unregistered } = sender;
    await service.listForSender(unregistered, { limit: 5 });
    expect(calls).toStrictEqual([
      ['listForPartner', { ...caller, tab: 'favorites', limit: 10, now }],
      ['listForSender', { senderId: sender.id, before: 'L9', limit: 5, now, since: sender.registeredAt }],
      ['listForSender', { senderId: sender.id, limit: 5, now, since: now.toISOString() }],
    ]);
    expect(service.now()).toBe(now);
  });
});

describe('writes', () => {
  it('a partner action applies the plan with the caller as actor and partner, and its If-Match', async () => {
    const { calls, service } = recordingStore();
    await service.applyPartnerAction(caller, 'L1', commands.decline, [3]);
    await service.applyPartnerAction(caller, 'L1', commands.decline);
    const ctx = { now, actor: { type: 'partner-user' as const, id: 'user-1' }, partnerId: 'contoso' };
    expect(calls).toStrictEqual([
      ['apply', plan('L1', commands.decline, { ...ctx, ifMatch: [3] })],
      ['apply', plan('L1', commands.decline, ctx)],
    ]);
  });

  it('favorite passes the lead, partner, user and the choice', async () => {
    const { calls, service } = recordingStore();
    await service.favorite(caller, 'L1', false);
    expect(calls).toStrictEqual([['setFavorite', 'L1', 'contoso', 'user-1', false]]);
  });

  it('expire plans the expiry at the deadline for that partner, by archiver or reconciler', async () => {
    const { calls, service } = recordingStore();
    const due: Due = { leadId: 'L1', partnerId: 'contoso', respondBy: '2026-11-30T10:00:00.000Z' };
    await expect(service.expire(due, 'archiver')).resolves.toBe(true);
    // Nothing read back: neither path uses the lead.
    expect(calls.map(([name]) => name)).toStrictEqual(['applyIfAllowed']);
    const change = calls[0]?.[1] as Change;
    expect(change).toStrictEqual(
      plan(
        'L1',
        { action: 'expire', deadline: due.respondBy },
        { now, actor: { type: 'system', id: 'expiry-archiver' }, partnerId: 'contoso' },
      ),
    );
  });

  it('expire leaves a lead whose guard refuses it alone, and passes anything else on', async () => {
    const due: Due = { leadId: 'L1', partnerId: 'contoso', respondBy: '2026-11-30T10:00:00.000Z' };
    const refused = recordingStore({ applyIfAllowed: async () => false }).service;
    await expect(refused.expire(due, 'reconciler')).resolves.toBe(false);
    const broken = recordingStore({
      applyIfAllowed: async () => Promise.reject(new Error('network')),
    }).service;
    await expect(broken.expire(due, 'reconciler')).rejects.toThrow('network');
  });
});

describe('reconcile', () => {
  const dues = (n: number): Due[] =>
    Array.from({ length: n }, (_, i) => ({
      leadId: `L${i}`,
      partnerId: 'contoso',
      respondBy: '2026-11-30T10:00:00.000Z',
    }));

  it('counts what it expired, reminded and settled, over batches of 25', async () => {
    let applied = 0;
    const { calls, service } = recordingStore({
      due: async (kind) => (kind === 'expiry' ? dues(30) : dues(27)),
      // Every third expiry was refused (the archiver got there first).
      applyIfAllowed: async () => {
        applied += 1;
        return applied % 3 !== 0;
      },
      reminderSettled: async (leadId) => leadId === 'L0' || leadId === 'L26',
      markReminded: async (leadId) => leadId !== 'L1',
    });
    await expect(
      service.reconcile(100, { graceMs: 60_000, reminderRetryMs: 3_600_000 }),
    ).resolves.toStrictEqual({
      expired: 20,
      reminded: 24,
      settled: 2,
    });
    expect(calls.filter(([name]) => name === 'due')).toStrictEqual([
      ['due', 'expiry', new Date(now.getTime() - 60_000), 100],
      ['due', 'reminder', now, 100],
    ]);
    expect(calls.filter(([name]) => name === 'clearReminder')).toStrictEqual([
      ['clearReminder', 'L0'],
      ['clearReminder', 'L26'],
    ]);
    expect(calls.find(([name]) => name === 'markReminded')).toStrictEqual([
      'markReminded',
      'L1',
      'contoso',
      now,
      new Date(now.getTime() + 3_600_000),
    ]);
    expect(calls.filter(([name]) => name === 'applyIfAllowed')).toHaveLength(30);
  });
});
