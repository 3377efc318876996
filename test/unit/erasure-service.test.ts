/**
 * What the erasure use cases ask of storage, call by call (against a recording store), and the
 * email delivery's batch bookkeeping: what it reads, sends and records.
 */
import { EmailDelivery, type SentEmail } from '../../functions/domain/email-delivery.js';
import type { EmailMessage } from '../../functions/domain/email-message.js';
import {
  ErasureService,
  type ErasureStore,
  type LeadErasure,
  retentionCutoff,
} from '../../functions/domain/erasure.js';

const now = new Date('2026-11-25T10:00:00.000Z');

function recordingStore(results: Record<string, LeadErasure | undefined>, found: string[]) {
  const calls: unknown[][] = [];
  const store: ErasureStore = {
    leadsOfCustomer: async (email) => {
      calls.push(['leadsOfCustomer', email]);
      return found;
    },
    dueForErasure: async (before, limit) => {
      calls.push(['dueForErasure', before, limit]);
      return found;
    },
    eraseLead: async (leadId, at) => {
      calls.push(['eraseLead', leadId, at]);
      return results[leadId];
    },
    expireLinks: async (email, leadIds, at) => void calls.push(['expireLinks', email, leadIds, at]),
  };
  return { store, calls };
}

describe('ErasureService', () => {
  it('counts leads erased now and erased before, skips missing ones, and expires the links of all found', async () => {
    const { store, calls } = recordingStore(
      { a: { leadId: 'a', erasedNow: true }, b: { leadId: 'b', erasedNow: false }, c: undefined },
      ['a', 'b', 'c'],
    );
    expect(await new ErasureService(store).eraseCustomer('ana@fabrikam.example', now)).toEqual({
      leads: ['a', 'b', 'c'],
      erased: 1,
      alreadyErased: 1,
    });
    expect(calls).toEqual([
      ['leadsOfCustomer', 'ana@fabrikam.example'],
      ['eraseLead', 'a', now],
      ['eraseLead', 'b', now],
      ['eraseLead', 'c', now],
      ['expireLinks', 'ana@fabrikam.example', ['a', 'b', 'c'], now],
    ]);
  });

  it('writes nothing for a customer without leads', async () => {
    const { store, calls } = recordingStore({}, []);
    expect(await new ErasureService(store).eraseCustomer('nobody@example.com', now)).toEqual({
      leads: [],
      erased: 0,
      alreadyErased: 0,
    });
    expect(calls).toEqual([['leadsOfCustomer', 'nobody@example.com']]);
  });

  it('erases at most `limit` leads archived before the cutoff, expiring each former address’s link', async () => {
    const { store, calls } = recordingStore(
      {
        a: { leadId: 'a', erasedNow: true, formerEmail: 'ana@fabrikam.example' },
        b: { leadId: 'b', erasedNow: false },
        c: undefined,
        d: { leadId: 'd', erasedNow: true },
      },
      ['a', 'b', 'c', 'd'],
    );
    expect(await new ErasureService(store).eraseExpired(now, 86_400_000, 25)).toBe(2);
    expect(calls).toEqual([
      ['dueForErasure', new Date('2026-11-24T10:00:00.000Z'), 25],
      ['eraseLead', 'a', now],
      ['expireLinks', 'ana@fabrikam.example', ['a'], now],
      ['eraseLead', 'b', now],
      ['eraseLead', 'c', now],
      ['eraseLead', 'd', now],
    ]);
    expect(retentionCutoff(now, 1000)).toEqual(new Date('2026-11-25T09:59:59.000Z'));
  });
});

describe('EmailDelivery', () => {
  const message = (requestId: string, to = ['ana@contoso.example']): EmailMessage => ({
    version: 1,
    key: { type: 'confirmation', partnerId: 'contoso', requestId },
    to,
    subject: 'Confirm',
    text: 't',
    html: 'h',
    tags: { notification: 'contact-confirmation' },
    queuedAt: now.toISOString(),
  });

  function recording(sentBefore: string[] = []) {
    const calls: unknown[][] = [];
    let n = 0;
    const delivery = new EmailDelivery(
      {
        sent: async (keys) => {
          calls.push(['sent', keys]);
          return new Set(sentBefore);
        },
        confirm: async (sent: SentEmail[]) => void calls.push(['confirm', sent]),
      },
      {
        send: async (email) => {
          calls.push(['send', email.to]);
          return `ses-${++n}`;
        },
      },
      () => now,
    );
    return { delivery, calls };
  }

  it('reads once per batch, sends each key once, and records what it sent in one write', async () => {
    const { delivery, calls } = recording(['confirmation:request-old']);
    const messages = [
      message('request-1', ['a@x.example', 'b@x.example']),
      message('request-1'),
      message('request-old'),
    ];
    const batch = await delivery.begin(messages);
    expect(await Promise.all(messages.map((m) => delivery.deliver(m, batch)))).toEqual([
      'sent',
      'duplicate',
      'duplicate',
    ]);
    await delivery.finish(batch);
    expect(calls).toEqual([
      ['sent', messages.map((m) => m.key)],
      ['send', ['a@x.example', 'b@x.example']],
      ['confirm', [{ key: messages[0]!.key, recipients: 2, messageId: 'ses-1', at: now }]],
    ]);
  });

  it('reads nothing for an empty batch and writes nothing when nothing was sent', async () => {
    const { delivery, calls } = recording();
    const batch = await delivery.begin([]);
    await delivery.finish(batch);
    expect(calls).toEqual([]);
  });
});
