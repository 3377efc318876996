import fc from 'fast-check';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { renderEmail } from '../../functions/adapters/ses/templates.js';
import { notificationFor } from '../../functions/domain/notifications.js';
import { consumerFilters, matches } from '../../functions/stream/filters.js';
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
      ['notifier', 'insightsAggregator'],
    ],
    [
      'a decline',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem(run(lead, commands.decline)),
      }),
      ['notifier', 'insightsAggregator'],
    ],
    [
      'an expiry',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem(run(lead, commands.expire, later)),
      }),
      ['notifier', 'insightsAggregator'],
    ],
    [
      'a reminder coming due',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(lead),
        newItem: toItem({ ...lead, remindedAt: '2026-12-07T10:00:00.000Z' }),
      }),
      ['notifier', 'insightsAggregator'],
    ],
    [
      'an accept',
      streamRecord({ eventName: 'MODIFY', oldItem: toItem(lead), newItem: toItem(accepted) }),
      ['insightsAggregator'],
    ],
    [
      'a won deal',
      streamRecord({
        eventName: 'MODIFY',
        oldItem: toItem(accepted),
        newItem: toItem(run(accepted, commands.won)),
      }),
      ['insightsAggregator'],
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

describe('what a lead change announces', () => {
  it('names each event once', () => {
    expect(notificationFor(undefined, lead)?.kind).toBe('lead-received');
    expect(notificationFor(lead, run(lead, commands.decline))?.kind).toBe('lead-declined');
    expect(notificationFor(lead, run(lead, commands.expire, later))?.kind).toBe('lead-expired');
    const reminded = { ...lead, remindedAt: '2026-12-07T10:00:00.000Z' };
    expect(notificationFor(lead, reminded)?.kind).toBe('lead-reminder');
    expect(notificationFor(reminded, { ...reminded, favoritedBy: ['u'] })).toBeUndefined();
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
