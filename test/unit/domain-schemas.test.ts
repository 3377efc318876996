/**
 * The input rules of the lead and profile schemas, each at its edge: patterns anchored at both
 * ends, lengths at the limit and one past it, the messages callers read, and the defaults.
 */
import type * as z from 'zod/mini';
import {
  closeSchema,
  contactSchema,
  customerSchema,
  dealSchema,
  declineSchema,
  leadIdSchema,
  moneySchema,
  needSchema,
  newLeadSchema,
  slugSchema,
  tabOf,
} from '../../functions/domain/lead.js';
import { emptyProfile, profileInputSchema, withContactStatus } from '../../functions/domain/profile.js';

/** The messages a value gets from a schema, or [] when it passes. */
const messages = (schema: z.ZodMiniType, value: unknown): string[] => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};
const ok = (schema: z.ZodMiniType, value: unknown) => expect(messages(schema, value)).toStrictEqual([]);
const refused = (schema: z.ZodMiniType, value: unknown, message?: string) => {
  const found = messages(schema, value);
  expect(found.length).toBeGreaterThan(0);
  if (message) expect(found).toContain(message);
};

const customer = {
  companyName: 'Fabrikam',
  contactName: 'Ana',
  email: 'ana@fabrikam.example',
  country: 'IT',
};
const deal = { name: 'ERP', value: { amount: 10, currency: 'EUR' }, estimatedCloseDate: '2027-03-31' };

describe('ids', () => {
  it('a slug is 2-64 of a-z, 0-9 and -, anchored at both ends', () => {
    const message = 'must be 2-64 characters of a-z, 0-9 and -';
    ok(slugSchema, 'ab');
    ok(slugSchema, 'a'.repeat(64));
    ok(slugSchema, 'contoso-2');
    for (const bad of ['a', 'a'.repeat(65), 'Contoso', 'x contoso', 'contoso x', 'con_toso', ''])
      refused(slugSchema, bad, message);
  });

  it('a lead id is a 26-character Crockford ULID, anchored at both ends', () => {
    ok(leadIdSchema, '01JD0000000000000000000000');
    for (const bad of [
      '01JD000000000000000000000',
      '01JD00000000000000000000000',
      'x01JD0000000000000000000000',
      '01JD0000000000000000000000x',
      '01JD000000000000000000000I',
      '01jd0000000000000000000000',
    ])
      refused(leadIdSchema, bad, 'must be a lead id');
  });
});

describe('one-line and free text', () => {
  it('one-line text is trimmed, 1 to max characters', () => {
    const parsed = needSchema.parse({ title: '  ERP  ' });
    expect(parsed.title).toBe('ERP');
    ok(needSchema, { title: 'x'.repeat(200) });
    refused(needSchema, { title: 'x'.repeat(201) });
    refused(needSchema, { title: '' });
  });

  it('names the rule a one-line text breaks', () => {
    refused(
      needSchema,
      { title: 'a\u0007b' },
      'must not contain control, line-separator or bidirectional-override characters',
    );
    refused(needSchema, { title: '\u200B\u200C' }, 'must contain a visible character');
    // The visible character may be anywhere, not only first.
    ok(needSchema, { title: '\u200Bx' });
  });

  it('free text: up to its max, line breaks and tabs anywhere, other control characters nowhere', () => {
    ok(needSchema, { title: 'ERP', description: 'x'.repeat(4000) });
    refused(needSchema, { title: 'ERP', description: 'x'.repeat(4001) });
    ok(needSchema, { title: 'ERP', description: '\tstarts with a tab\r\nand ends with a break\n' });
    refused(
      needSchema,
      { title: 'ERP', description: 'ok\u0007' },
      'must not contain control or bidirectional-override characters other than line breaks and tabs',
    );
    refused(needSchema, { title: 'ERP', description: '\u0007ok' });
  });

  it('products: at most 20, each one-line', () => {
    ok(needSchema, { title: 'ERP', products: Array.from({ length: 20 }, () => 'Azure') });
    refused(needSchema, { title: 'ERP', products: Array.from({ length: 21 }, () => 'Azure') });
  });
});

describe('customer and contacts', () => {
  it('a country is two capital letters, anchored at both ends', () => {
    ok(customerSchema, customer);
    for (const country of ['it', 'ITA', 'I', 'xIT', 'ITx'])
      refused(customerSchema, { ...customer, country }, 'must be an ISO 3166-1 alpha-2 code');
  });

  it('a phone number is digits and + ( ) . / - and spaces, anchored at both ends', () => {
    ok(customerSchema, { ...customer, phone: '+39 (02) 123-45.67/8' });
    ok(contactSchema, { name: 'Luca', email: 'luca@contoso.example', phone: '+39 02 1234' });
    for (const phone of ['call me', 'x+39 02', '+39 02x'])
      refused(customerSchema, { ...customer, phone }, 'must be a phone number');
    refused(
      contactSchema,
      { name: 'Luca', email: 'luca@contoso.example', phone: '+39 02 ext' },
      'must be a phone number',
    );
  });

  it('email up to 254 characters; unknown fields refused', () => {
    const email = (length: number) => {
      const domain = `${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(length - 197)}.example`;
      return `${'a'.repeat(64)}@${domain}`;
    };
    expect(email(254)).toHaveLength(254);
    ok(customerSchema, { ...customer, email: email(254) });
    refused(customerSchema, { ...customer, email: email(255) });
    ok(contactSchema, { name: 'Luca', email: email(254) });
    refused(contactSchema, { name: 'Luca', email: email(255) });
    refused(customerSchema, { ...customer, email: 'not-an-address' });
    refused(customerSchema, { ...customer, fax: '1' });
    refused(contactSchema, { name: 'Luca', email: 'luca@contoso.example', role: 'x' });
  });

  it('a company size is one of the bands', () => {
    ok(customerSchema, { ...customer, companySize: '1000+' });
    refused(customerSchema, { ...customer, companySize: '5' });
  });
});

describe('money and deals', () => {
  it('a currency is an ISO 4217 code, three capitals, anchored', () => {
    ok(moneySchema, { amount: 0, currency: 'EUR' });
    ok(moneySchema, { amount: 1e12, currency: 'JPY' });
    refused(moneySchema, { amount: 1, currency: 'XYZ' }, 'must be an ISO 4217 currency code');
    for (const currency of ['eur', 'EURO', 'xEUR', 'EU'] as const)
      refused(moneySchema, { amount: 1, currency });
    refused(moneySchema, { amount: -1, currency: 'EUR' });
    refused(moneySchema, { amount: 1e12 + 1, currency: 'EUR' });
  });

  it('a deal: name, value and close date required; notes and ids optional with their limits', () => {
    ok(dealSchema, deal);
    ok(dealSchema, { ...deal, notes: 'n', crmId: 'x'.repeat(128), campaignId: 'c' });
    refused(dealSchema, { ...deal, crmId: 'x'.repeat(129) });
    refused(dealSchema, { ...deal, campaignId: 'x'.repeat(129) });
    refused(dealSchema, { ...deal, estimatedCloseDate: '31/03/2027' });
    refused(dealSchema, { ...deal, extra: 1 });
  });
});

describe('decline, close and new leads', () => {
  it('"other" needs notes that are not blank; other reasons need none', () => {
    ok(declineSchema, { reason: 'no-capacity' });
    ok(declineSchema, { reason: 'other', notes: 'moving away' });
    const rule = 'notes are required when the reason is other';
    refused(declineSchema, { reason: 'other' }, rule);
    refused(declineSchema, { reason: 'other', notes: '   ' }, rule);
    const result = declineSchema.safeParse({ reason: 'other' });
    expect(result.error?.issues[0]?.path).toStrictEqual(['notes']);
  });

  it('a close takes notes and a final value, nothing else', () => {
    ok(closeSchema, {});
    ok(closeSchema, { notes: 'signed', finalValue: { amount: 5, currency: 'USD' } });
    refused(closeSchema, { reason: 'x' });
  });

  it('a new lead: contactRequested defaults to false, externalId is optional one-line text', () => {
    const input = { partnerId: 'contoso', type: 'sales-qualified', customer, need: { title: 'ERP' } };
    expect(newLeadSchema.parse(input).contactRequested).toBe(false);
    expect(newLeadSchema.parse({ ...input, contactRequested: true }).contactRequested).toBe(true);
    expect(newLeadSchema.parse({ ...input, externalId: ' X-1 ' }).externalId).toBe('X-1');
    refused(newLeadSchema, { ...input, externalId: 'x'.repeat(129) });
    refused(newLeadSchema, { ...input, type: 'cold-call' });
  });

  it('customer inquiries are marketplace leads; the others qualified', () => {
    expect(tabOf('customer-inquiry')).toBe('marketplace');
    expect(tabOf('marketing-qualified')).toBe('qualified');
    expect(tabOf('sales-qualified')).toBe('qualified');
  });
});

describe('profile', () => {
  const location = {
    name: 'Milan office',
    country: 'IT',
    contacts: [{ name: 'Ana', email: 'ana@contoso.example' }],
  };

  it('defaults: listed, and empty lists', () => {
    expect(profileInputSchema.parse({})).toStrictEqual({
      listed: true,
      keywords: [],
      companySizes: [],
      industries: [],
      locations: [],
    });
  });

  it('keeps one spelling of each keyword', () => {
    expect(profileInputSchema.parse({ keywords: ['Azure', 'azure ', 'SAP'] }).keywords).toStrictEqual([
      'Azure',
      'SAP',
    ]);
  });

  it('limits: 50 keywords of 60, 30 industries of 80, 25 locations of 1-10 contacts, texts of 200/500', () => {
    ok(profileInputSchema, { keywords: Array.from({ length: 50 }, (_, i) => `k${i}`) });
    refused(profileInputSchema, { keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) });
    refused(profileInputSchema, { keywords: ['x'.repeat(61)] });
    ok(profileInputSchema, { keywords: ['x'.repeat(60)] });
    ok(profileInputSchema, { industries: Array.from({ length: 30 }, () => 'x'.repeat(80)) });
    refused(profileInputSchema, { industries: Array.from({ length: 31 }, () => 'Retail') });
    refused(profileInputSchema, { industries: ['x'.repeat(81)] });
    ok(profileInputSchema, { locations: Array.from({ length: 25 }, () => location) });
    refused(profileInputSchema, { locations: Array.from({ length: 26 }, () => location) });
    refused(profileInputSchema, { locations: [{ ...location, contacts: [] }] });
    ok(profileInputSchema, {
      locations: [{ ...location, contacts: Array.from({ length: 10 }, () => location.contacts[0]) }],
    });
    refused(profileInputSchema, {
      locations: [{ ...location, contacts: Array.from({ length: 11 }, () => location.contacts[0]) }],
    });
    ok(profileInputSchema, { companyName: 'x'.repeat(200), description: 'x'.repeat(500) });
    refused(profileInputSchema, { companyName: 'x'.repeat(201) });
    refused(profileInputSchema, { description: 'x'.repeat(501) });
    ok(profileInputSchema, { locations: [{ ...location, name: 'x'.repeat(120), city: 'x'.repeat(120) }] });
    refused(profileInputSchema, { locations: [{ ...location, name: 'x'.repeat(121) }] });
    refused(profileInputSchema, { locations: [{ ...location, city: 'x'.repeat(121) }] });
    ok(profileInputSchema, { companySizes: ['1-9', '10-49', '50-249', '250-999', '1000+'] });
    refused(profileInputSchema, { companySizes: ['1-9', '10-49', '50-249', '250-999', '1000+', '1-9'] });
  });

  it('a keyword may take exactly 240 bytes once normalised, not one more', () => {
    // U+FDFA normalises to 33 bytes: seven of them and nine letters make 240.
    const at = `${'\uFDFA'.repeat(7)}${'x'.repeat(9)}`;
    ok(profileInputSchema, { keywords: [at] });
    refused(
      profileInputSchema,
      { keywords: [`${at}x`] },
      'must stay within 240 bytes once normalised (case, accents and spacing)',
    );
  });

  it('a location country is two capitals, anchored; contacts hold a name and an email only', () => {
    for (const country of ['it', 'ITA', 'xIT', 'ITx'])
      refused(
        profileInputSchema,
        { locations: [{ ...location, country }] },
        'must be an ISO 3166-1 alpha-2 code',
      );
    refused(profileInputSchema, {
      locations: [{ ...location, contacts: [{ name: 'Ana', email: 'ana@contoso.example', phone: '1' }] }],
    });
    refused(profileInputSchema, { website: 'x' });
  });

  it('an empty profile is listed, never saved and holds nothing', () => {
    expect(emptyProfile('contoso')).toStrictEqual({
      partnerId: 'contoso',
      listed: true,
      keywords: [],
      companySizes: [],
      industries: [],
      locations: [],
      version: 0,
      updatedAt: null,
    });
  });

  it('shows each contact with the status of its address', () => {
    const profile = {
      ...emptyProfile('contoso'),
      locations: [location, { ...location, contacts: [{ name: 'Bo', email: 'bo@contoso.example' }] }],
    };
    const view = withContactStatus(profile, (address) =>
      address.startsWith('ana') ? 'confirmed' : 'pending',
    );
    expect(view).toStrictEqual({
      ...profile,
      locations: [
        { ...location, contacts: [{ name: 'Ana', email: 'ana@contoso.example', status: 'confirmed' }] },
        { ...location, contacts: [{ name: 'Bo', email: 'bo@contoso.example', status: 'pending' }] },
      ],
    });
  });
});
