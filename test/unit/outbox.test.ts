import fc from 'fast-check';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { indexes } from '../../functions/adapters/dynamodb/table-definition.js';
import { renderConfirmation, renderEmail } from '../../functions/adapters/ses/templates.js';
import { notificationFor } from '../../functions/domain/notifications.js';
import { consumerFilters, matches } from '../../functions/stream/filters.js';
import { isLeadChange } from '../../functions/stream/records.js';
import { commands, received, run } from '../support/leads.js';
import { streamRecord } from '../support/streams.js';

const lead = received();
const accepted = run(lead, commands.accept);
const later = new Date('2026-12-10T00:00:00.000Z');
const timer = {
  pk: `LEAD#${lead.id}`,
  sk: 'TIMER#EXPIRY',
  entity: 'timer',
  leadId: lead.id,
  partnerId: 'contoso',
};
const links = {
  choosePartnerUrl: 'https://find.example/',
  partnerConsoleUrl: 'https://console.example/leads',
};

/** A lead item without its dueForReminder keys, as clearReminder leaves it. */
const withoutReminderIndex = (item: Record<string, unknown>) => {
  const { [indexes.dueForReminder.partitionKey]: _pk, [indexes.dueForReminder.sortKey]: _sk, ...rest } = item;
  return rest;
};

const consumersOf = (record: ReturnType<typeof streamRecord>) =>
  (Object.keys(consumerFilters) as Array<keyof typeof consumerFilters>).filter((name) =>
    consumerFilters[name].some((f) => matches(f, record)),
  );

describe('stream filters', () => {
  it.each([
    [
      'a TTL deletion of an expiry timer',
      streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true }),
      ['archiver'],
    ],
    ['a deletion of a timer by anyone else', streamRecord({ eventName: 'REMOVE', oldItem: timer }), []],
    [
      'a new lead',
      streamRecord({ eventName: 'INSERT', newItem: toItem(lead) }),
      ['notifier', 'insightsAggregator', 'webhookEvents'],
    ],
    [
      'a decline',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem(run(lead, commands.decline)),
      }),
      ['notifier', 'insightsAggregator', 'webhookEvents'],
    ],
    [
      'an expiry',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem(run(lead, commands.expire, later)),
      }),
      ['notifier', 'insightsAggregator', 'webhookEvents'],
    ],
    [
      'a reminder coming due',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem({ ...lead, remindedAt: '2026-12-07T10:00:00.000Z' }),
      }),
      ['notifier', 'insightsAggregator', 'webhookEvents'],
    ],
    [
      'a reminder asked for again (a new remindedAt, still on the reminder index)',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem({ ...lead, remindedAt: '2026-12-07T10:00:00.000Z' }),
        newItem: toItem({ ...lead, remindedAt: '2026-12-07T16:00:00.000Z' }),
      }),
      ['notifier', 'insightsAggregator', 'webhookEvents'],
    ],
    [
      'a settled reminder taken off the reminder index (bookkeeping, same version)',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem({ ...lead, remindedAt: '2026-12-07T10:00:00.000Z' }),
        newItem: withoutReminderIndex(toItem({ ...lead, remindedAt: '2026-12-07T10:00:00.000Z' })),
      }),
      ['insightsAggregator', 'webhookEvents'],
    ],
    [
      'a saved profile',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: { pk: 'PARTNER#contoso', sk: 'PROFILE', entity: 'profile' },
        newItem: { pk: 'PARTNER#contoso', sk: 'PROFILE', entity: 'profile' },
      }),
      ['notifier', 'searchIndexer'],
    ],
    [
      'a contact, a token or an email marker',
      streamRecord({ eventName: 'INSERT', newItem: { pk: 'PARTNER#contoso', sk: 'CONTACT#a@b.example' } }),
      [],
    ],
    [
      'an accept',
      streamRecord({ eventName: 'MODIFY', oldItem: toItem(lead), newItem: toItem(accepted) }),
      ['insightsAggregator', 'webhookEvents'],
    ],
    [
      'a won deal',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(accepted),
        newItem: toItem(run(accepted, commands.won)),
      }),
      ['insightsAggregator', 'webhookEvents'],
    ],
    [
      'a favorite mark',
      streamRecord({ eventName: 'INSERT', newItem: { pk: `LEAD#${lead.id}`, sk: 'FAVORITE#u' } }),
      [],
    ],
  ])('%s', (_, record, expected) => {
    expect(consumersOf(record)).toEqual(expected);
  });
});

describe('lead changes and bookkeeping on the lead item', () => {
  it('counts inserts and version bumps as lead changes, never favorites or reminder bookkeeping', () => {
    const reminded = { ...lead, remindedAt: '2026-12-07T10:00:00.000Z' };
    const modify = (before: typeof lead, after: Record<string, unknown>) =>
      streamRecord({ eventName: 'MODIFY', oldItem: toItem(before), newItem: after });
    expect(isLeadChange(streamRecord({ eventName: 'INSERT', newItem: toItem(lead) }))).toBe(true);
    expect(isLeadChange(modify(lead, toItem(accepted)))).toBe(true);
    expect(isLeadChange(modify(lead, toItem({ ...lead, favoritedBy: ['u'] })))).toBe(false);
    expect(isLeadChange(modify(lead, toItem(reminded)))).toBe(false);
    expect(isLeadChange(modify(reminded, withoutReminderIndex(toItem(reminded))))).toBe(false);
    expect(isLeadChange(streamRecord({ eventName: 'REMOVE', oldItem: toItem(lead) }))).toBe(false);
  });
});

describe('what a lead change announces', () => {
  it('names each event once', () => {
    expect(notificationFor(undefined, lead)?.kind).toBe('lead-received');
    expect(notificationFor(lead, run(lead, commands.decline))?.kind).toBe('lead-declined');
    expect(notificationFor(lead, run(lead, commands.expire, later))?.kind).toBe('lead-expired');
    const reminded = { ...lead, remindedAt: '2026-12-07T10:00:00.000Z' };
    expect(notificationFor(lead, reminded)?.kind).toBe('lead-reminder');
    // Asked for again until its email is settled; the marker sends it once.
    expect(notificationFor(reminded, { ...reminded, remindedAt: '2026-12-07T16:00:00.000Z' })?.kind).toBe(
      'lead-reminder',
    );
    expect(notificationFor(reminded, { ...reminded, favoritedBy: ['u'] })).toBeUndefined();
    expect(notificationFor(reminded, run(reminded, commands.accept))).toBeUndefined();
    expect(notificationFor(lead, accepted)).toBeUndefined();
    expect(notificationFor(accepted, run(accepted, commands.lost))).toBeUndefined();
    expect(notificationFor(lead, undefined)).toBeUndefined();
  });
});

describe('email templates', () => {
  const kinds = ['lead-received', 'lead-reminder', 'lead-declined', 'lead-expired'] as const;

  it('every email names the lead, the customer company and the need, and says what to do next', () => {
    for (const kind of kinds) {
      const email = renderEmail(kind, lead, links);
      for (const body of [email.text, email.html]) {
        expect(body).toContain(lead.id);
        expect(body).toContain('Fabrikam Ltd');
      }
      expect(`${email.subject}${email.text}`).toMatch(/Move our ERP to Azure/);
      expect(email.text).toMatch(kind === 'lead-expired' ? /another partner/ : /https:\/\//);
    }
  });

  it('keeps what senders and customers wrote out of every subject', () => {
    for (const kind of kinds) {
      const subject = renderEmail(kind, lead, links).subject;
      expect(subject).toContain(lead.id);
      expect(subject).not.toContain('Fabrikam');
      expect(subject).not.toContain('ERP');
    }
  });

  it('asks a new contact to confirm, with the link in both bodies and nothing else promised', () => {
    const email = renderConfirmation({
      partnerId: 'contoso',
      link: 'http://localhost:3000/v1/contacts/confirm?token=abc&x=<y>',
      expiresAt: '2026-12-02T10:00:00.000Z',
    });
    expect(email.subject).toBe('Confirm your address for lead alerts from contoso');
    expect(email.text).toContain('http://localhost:3000/v1/contacts/confirm?token=abc&x=<y>');
    // Escaped in HTML; the browser decodes the attribute back to the very link.
    expect(email.html).not.toContain('<y>');
    const href = /href="([^"]+)"/.exec(email.html)?.[1] ?? '';
    const decoded = href
      .replace(/&#x2F;/g, '/')
      .replace(/&#x3D;/g, '=')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(decoded).toBe('http://localhost:3000/v1/contacts/confirm?token=abc&x=<y>');
    expect(email.text).toMatch(/receives nothing else/);
  });

  it('escapes every value in HTML and never lets a line break into the subject', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.constantFrom(...kinds), (text, kind) => {
        const hostile = {
          ...lead,
          customer: { ...lead.customer, companyName: `<i>${text}\r\n` },
          need: { title: `"${text}'&<b>` },
        };
        const email = renderEmail(kind, hostile, links);
        expect(email.subject).not.toMatch(/[\r\n]/);
        expect(email.html).not.toContain('<i>');
        expect(email.html).not.toContain('<b>');
        expect(email.html).not.toMatch(/<(?!\/?(p|strong|a|table|tr|th|td|br|html|body)\b|!doctype)/);
      }),
    );
  });
});
