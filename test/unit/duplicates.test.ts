import fc from 'fast-check';
import {
  companyWords,
  customerMatchKey,
  type DuplicateCandidate,
  isFreeMail,
  possibleDuplicates,
  similarCompanyNames,
} from '../../functions/domain/duplicates.js';
import { distinctKeywords, normalizeKeyword, termsOf } from '../../functions/domain/keywords.js';

describe('keyword normalisation', () => {
  it('ignores case, accents and extra spaces', () => {
    expect(normalizeKeyword('  Migrazione   ÉRP  ')).toBe('migrazione erp');
    expect(normalizeKeyword('Ärzte\tSoftware')).toBe('arzte software');
    expect(termsOf('Azure  Migration and ERP')).toEqual(['azure', 'migration', 'erp']);
    expect(termsOf('C# and C++, .NET')).toEqual(['c#', 'c++', 'net']);
    expect(distinctKeywords(['Azure  Migration', 'azure migration', 'ÈRP', 'erp', ' '])).toEqual([
      'Azure Migration',
      'ÈRP',
    ]);
  });

  it('is idempotent and insensitive to case and spacing', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const n = normalizeKeyword(s);
        expect(normalizeKeyword(n)).toBe(n);
        expect(normalizeKeyword(` ${s.toUpperCase()}  `)).toBe(normalizeKeyword(s.toLowerCase()));
      }),
    );
  });
});

describe('possible duplicates', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  const open = (
    over: Partial<DuplicateCandidate> & { email: string; company?: string },
  ): DuplicateCandidate => ({
    leadId: over.leadId ?? 'L1',
    senderId: over.senderId ?? 'fabrikam-referrals',
    receivedAt: over.receivedAt ?? '2026-11-20T10:00:00.000Z',
    respondBy: over.respondBy ?? '2026-12-04T10:00:00.000Z',
    stage: over.stage ?? 'received',
    customer: { email: over.email, companyName: over.company ?? 'Fabrikam Ltd' },
  });
  const customer = { email: 'Ana@Fabrikam.example', companyName: 'Fabrikam S.r.l.' };

  it('matches the same email whatever its case, across senders', () => {
    expect(
      possibleDuplicates(customer, [open({ email: 'ana@fabrikam.example', company: 'Other' })], now),
    ).toEqual([
      {
        leadId: 'L1',
        senderId: 'fabrikam-referrals',
        receivedAt: '2026-11-20T10:00:00.000Z',
        match: 'email',
      },
    ]);
  });

  it('matches a work domain with a similar company name, never a free-mail domain', () => {
    expect(
      possibleDuplicates(
        customer,
        [open({ email: 'luca@fabrikam.example', company: 'FABRIKAM LTD' })],
        now,
      )[0]?.match,
    ).toBe('company');
    expect(
      possibleDuplicates(customer, [open({ email: 'luca@fabrikam.example', company: 'Contoso' })], now),
    ).toEqual([]);
    const gmail = { email: 'ana@gmail.com', companyName: 'Fabrikam' };
    expect(customerMatchKey(gmail.email)).toEqual({ kind: 'email', value: 'ana@gmail.com' });
    expect(possibleDuplicates(gmail, [open({ email: 'luca@gmail.com', company: 'Fabrikam' })], now)).toEqual(
      [],
    );
  });

  it('ignores leads that are archived, past their window, or older than 30 days', () => {
    const email = 'ana@fabrikam.example';
    expect(possibleDuplicates(customer, [open({ email, stage: 'archived' })], now)).toEqual([]);
    expect(
      possibleDuplicates(customer, [open({ email, respondBy: '2026-11-25T10:00:00.000Z' })], now),
    ).toEqual([]);
    expect(
      possibleDuplicates(customer, [open({ email, receivedAt: '2026-10-25T09:59:59.999Z' })], now),
    ).toEqual([]);
    expect(
      possibleDuplicates(
        customer,
        [open({ email, stage: 'accepted', respondBy: '2026-11-01T00:00:00.000Z' })],
        now,
      ),
    ).toHaveLength(1);
  });

  it('compares company names without case, accents, punctuation or legal forms', () => {
    expect(similarCompanyNames('Fabrikam Ltd', 'fabrikam, LTD.')).toBe(true);
    expect(similarCompanyNames('Società Rossi S.p.A.', 'SOCIETA ROSSI')).toBe(true);
    expect(similarCompanyNames('Fabrikam', 'Fabrikam Italia')).toBe(true);
    expect(similarCompanyNames('Fabrikamm Industries', 'Fabrikam Industries')).toBe(true);
    expect(similarCompanyNames('Contoso', 'Fabrikam')).toBe(false);
    expect(similarCompanyNames('AB', 'AB Foods')).toBe(false);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(similarCompanyNames(a, b)).toBe(similarCompanyNames(b, a));
      }),
    );
  });
});

describe('possible duplicates at their edges', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  const candidate = (over: Partial<DuplicateCandidate>): DuplicateCandidate => ({
    leadId: 'L1',
    senderId: 's',
    receivedAt: '2026-11-20T10:00:00.000Z',
    respondBy: '2026-12-04T10:00:00.000Z',
    stage: 'received',
    customer: { email: 'ana@fabrikam.example', companyName: 'Fabrikam' },
    ...over,
  });
  const ids = (candidates: DuplicateCandidate[]) =>
    possibleDuplicates({ email: ' ANA@fabrikam.example ', companyName: 'Fabrikam' }, candidates, now).map(
      (d) => d.leadId,
    );

  it('counts a lead received exactly 30 days ago, and an accepted one whatever its deadline', () => {
    expect(ids([candidate({ receivedAt: '2026-10-26T10:00:00.000Z' })])).toEqual(['L1']);
    expect(ids([candidate({ receivedAt: '2026-10-26T09:59:59.999Z' })])).toEqual([]);
    expect(ids([candidate({ stage: 'accepted', respondBy: '2026-11-01T00:00:00.000Z' })])).toEqual(['L1']);
    expect(ids([candidate({ respondBy: now.toISOString() })])).toEqual([]);
    expect(ids([candidate({ stage: 'archived' })])).toEqual([]);
  });

  it('lists the newest first', () => {
    expect(
      ids([
        candidate({ leadId: 'old', receivedAt: '2026-11-01T10:00:00.000Z' }),
        candidate({ leadId: 'new', receivedAt: '2026-11-24T10:00:00.000Z' }),
        candidate({ leadId: 'mid', receivedAt: '2026-11-10T10:00:00.000Z' }),
      ]),
    ).toEqual(['new', 'mid', 'old']);
  });

  it('matches by company only within the same work domain, and by the address for free mail', () => {
    const other = { email: 'luca@fabrikam.example', companyName: 'Fabrikam Ltd' };
    expect(ids([candidate({ customer: other })])).toEqual(['L1']);
    expect(ids([candidate({ customer: { ...other, email: 'luca@contoso.example' } })])).toEqual([]);
    expect(ids([candidate({ customer: { ...other, companyName: 'Contoso' } })])).toEqual([]);
    const free = { email: 'ana@gmail.com', companyName: 'Fabrikam' };
    expect(
      possibleDuplicates(
        free,
        [candidate({ customer: { email: 'luca@gmail.com', companyName: 'Fabrikam' } })],
        now,
      ),
    ).toEqual([]);
    expect(customerMatchKey(' Ana@GMail.com ')).toEqual({ kind: 'email', value: 'ana@gmail.com' });
    expect(customerMatchKey('ana@mail.fabrikam.example')).toEqual({
      kind: 'domain',
      value: 'mail.fabrikam.example',
    });
    expect(isFreeMail('Outlook.COM')).toBe(true);
    expect(isFreeMail('fabrikam.example')).toBe(false);
  });

  it('allows one typo per ten letters, from five letters on', () => {
    expect(similarCompanyNames('Fabrikom', 'Fabrikam')).toBe(false);
    expect(similarCompanyNames('Fabrikam Italia', 'Fabrikom Italia')).toBe(true);
    expect(similarCompanyNames('Fabrikam Italias', 'Fabrikom Italian')).toBe(false);
    expect(similarCompanyNames('Fabrikam International', 'Fabrikom Internationel')).toBe(true);
    expect(similarCompanyNames('abcd', 'abce')).toBe(false);
    expect(similarCompanyNames('Ltd', 'Ltd')).toBe(false);
    expect(similarCompanyNames('Abcd', 'Abcd Foods')).toBe(true);
    expect(similarCompanyNames('Abc', 'Abc Foods')).toBe(false);
    expect(similarCompanyNames('Foods Abcd', 'Abcd')).toBe(true);
    // Equal once legal forms go, however short: the four-letter floor is for partial matches.
    expect(similarCompanyNames('IBM', 'IBM Corp.')).toBe(true);
    expect(similarCompanyNames('A B', 'A B C')).toBe(false);
    // One typo is allowed from ten letters of the longer name.
    expect(similarCompanyNames('Northwind', 'Northwinds')).toBe(true);
    expect(similarCompanyNames('Northwinds', 'Northwind')).toBe(true);
    expect(similarCompanyNames('Northwin', 'Northwind')).toBe(false);
  });

  it('is symmetric for repeated words too (a mutant found "Rossi Rossi" within "Rossi Bianchi" one way only)', () => {
    for (const [a, b] of [
      ['Rossi Rossi', 'Rossi Bianchi'],
      ['Alpha Alpha Beta', 'Alpha Beta Gamma'],
    ] as const) {
      expect(similarCompanyNames(a, b)).toBe(true);
      expect(similarCompanyNames(b, a)).toBe(true);
    }
    const word = fc.constantFrom('rossi', 'bianchi', 'verdi', 'neri', 'ltd', 'and');
    const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(similarCompanyNames(a, b)).toBe(similarCompanyNames(b, a));
      }),
    );
  });

  it('reads & as "and", and drops legal forms and filler words', () => {
    expect(companyWords('Smith & Sons GmbH')).toEqual(['smith', 'and', 'sons']);
    expect(companyWords('The Contoso Group S.p.A.')).toEqual(['contoso']);
    expect(similarCompanyNames('Smith & Sons', 'Smith and Sons Ltd')).toBe(true);
  });
});
