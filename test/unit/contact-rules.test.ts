/**
 * Confirmed recipients and keyword spelling (SPEC §6, §7.1), each rule at its edge: who is sent a
 * confirmation link when, who receives alerts, and how a keyword is normalised and kept once.
 */
import {
  type ContactRecord,
  confirmationsDue,
  confirmedRecipients,
  normalizeAddress,
  profileAddresses,
  statusOf,
} from '../../functions/domain/contacts.js';
import { distinctKeywords, normalizeKeyword, termsOf } from '../../functions/domain/keywords.js';

const now = new Date('2026-12-01T12:00:00.000Z');
const rules = { tokenTtlMs: 7 * 86_400_000, resendAfterMs: 86_400_000 };
const location = (...emails: string[]) => ({
  name: 'Office',
  country: 'IT',
  contacts: emails.map((email) => ({ name: 'N', email })),
});

describe('contact rules', () => {
  it('addresses: normalised, once each, from every location', () => {
    expect(normalizeAddress('  Ana@Contoso.Example ')).toBe('ana@contoso.example');
    expect(
      profileAddresses({
        locations: [location('Ana@contoso.example', 'bo@contoso.example'), location('ana@contoso.example ')],
      }),
    ).toStrictEqual(['ana@contoso.example', 'bo@contoso.example']);
    expect(profileAddresses(undefined)).toStrictEqual([]);
  });

  it('status: suppressed first (whatever the case), then confirmed, else pending', () => {
    const confirmed: ContactRecord = { address: 'a@x.example', status: 'confirmed' };
    expect(statusOf('A@x.example', confirmed, new Set(['a@x.example']))).toBe('suppressed');
    expect(statusOf('a@x.example', confirmed, new Set())).toBe('confirmed');
    expect(statusOf('a@x.example', { address: 'a@x.example', status: 'pending' }, new Set())).toBe('pending');
    expect(statusOf('a@x.example', undefined, new Set())).toBe('pending');
  });

  it('confirmations due: never asked, died before queueing, or pending and last queued a full period ago', () => {
    const records = new Map<string, ContactRecord>([
      ['confirmed@x.example', { address: 'confirmed@x.example', status: 'confirmed' }],
      [
        'unqueued@x.example',
        { address: 'unqueued@x.example', status: 'pending', requestedAt: now.toISOString() },
      ],
      [
        'due@x.example',
        {
          address: 'due@x.example',
          status: 'pending',
          queuedAt: new Date(now.getTime() - 86_400_000).toISOString(),
        },
      ],
      [
        'recent@x.example',
        {
          address: 'recent@x.example',
          status: 'pending',
          queuedAt: new Date(now.getTime() - 86_400_000 + 1).toISOString(),
        },
      ],
    ]);
    const addresses = [
      'new@x.example',
      'confirmed@x.example',
      'unqueued@x.example',
      'due@x.example',
      'recent@x.example',
      'bounced@x.example',
    ];
    expect(confirmationsDue(addresses, records, new Set(['bounced@x.example']), now, rules)).toStrictEqual([
      'new@x.example',
      'unqueued@x.example',
      'due@x.example',
    ]);
  });

  it('recipients: confirmed and not suppressed only', () => {
    const records = new Map<string, ContactRecord>([
      ['a@x.example', { address: 'a@x.example', status: 'confirmed' }],
      ['b@x.example', { address: 'b@x.example', status: 'confirmed' }],
      ['c@x.example', { address: 'c@x.example', status: 'pending' }],
    ]);
    expect(
      confirmedRecipients(
        { locations: [location('a@x.example', 'b@x.example', 'c@x.example', 'd@x.example')] },
        records,
        new Set(['b@x.example']),
      ),
    ).toStrictEqual(['a@x.example']);
    expect(confirmedRecipients(undefined, records, new Set())).toStrictEqual([]);
  });
});

describe('keywords', () => {
  it('normalises case, accents and runs of white space', () => {
    expect(normalizeKeyword('  Café   Münster\tERP ')).toBe('cafe munster erp');
  });

  it('terms: words without stop words, each once, C# and C++ kept', () => {
    expect(termsOf('The ERP and the CRM for C# or C++, ERP')).toStrictEqual(['erp', 'crm', 'c#', 'c++']);
    expect(termsOf('  ')).toStrictEqual([]);
  });

  it('a profile keeps the first spelling of each keyword, spaces collapsed, blanks dropped', () => {
    expect(distinctKeywords(['Power  BI', 'power bi', 'POWER BÍ', ' ', 'SAP ', 'sap'])).toStrictEqual([
      'Power BI',
      'SAP',
    ]);
  });
});
