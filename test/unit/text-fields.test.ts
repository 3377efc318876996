import { cutAtGrapheme, renderWebhookDisabled } from '../../functions/adapters/ses/templates.js';
import { customerSchema, needSchema } from '../../functions/domain/lead.js';
import { subscriptionInputSchema } from '../../functions/domain/webhooks.js';

const customer = {
  companyName: 'Fabrikam',
  contactName: 'Ana',
  email: 'ana@fabrikam.example',
  country: 'IT',
};

describe('text fields', () => {
  it.each([
    ['a line break', 'Fab\r\nBcc: x@example.com'],
    ['a right-to-left override', 'Fab\u202Erikam'],
    ['a lone surrogate', 'Fab\ud800rikam'],
    ['a line separator (U+2028)', 'Fab\u2028Bcc: x@example.com'],
    ['a paragraph separator (U+2029)', 'Fab\u2029rikam'],
    ['only a zero-width space', '\u200B'],
    ['only spaces', '   '],
  ])('a one-line field refuses %s', (_, companyName) => {
    expect(customerSchema.safeParse({ ...customer, companyName }).success).toBe(false);
  });

  it.each([
    ['accents', 'Società Ümlaut'],
    ['CJK', '株式会社'],
    ['an emoji with a joiner', 'Team 👩‍💻'],
    ['Arabic', 'شركة'],
  ])('a one-line field keeps %s', (_, companyName) => {
    expect(customerSchema.safeParse({ ...customer, companyName }).success).toBe(true);
  });

  it('free text keeps line breaks and tabs but no other control characters', () => {
    expect(needSchema.safeParse({ title: 'ERP', description: 'line one\n\tline two' }).success).toBe(true);
    expect(needSchema.safeParse({ title: 'ERP', description: 'bell\u0007' }).success).toBe(false);
  });

  it('free text keeps the line and paragraph separators', () => {
    expect(needSchema.safeParse({ title: 'ERP', description: 'one\u2028two\u2029three' }).success).toBe(true);
  });
});

describe('cutting a subject', () => {
  it.each([
    ['an emoji (a surrogate pair) across the limit', `${'a'.repeat(9)}😀`, 10, 'a'.repeat(9)],
    ['a flag (two code points) across the limit', `${'a'.repeat(7)}🇮🇹`, 10, 'a'.repeat(7)],
    ['a flag that just fits', `${'a'.repeat(6)}🇮🇹`, 10, `${'a'.repeat(6)}🇮🇹`],
    ['a letter with a combining accent', `${'a'.repeat(9)}e\u0301`, 10, 'a'.repeat(9)],
    ['a joined emoji sequence', `ab👩‍💻`, 4, 'ab'],
    ['text within the limit', 'Lead 01J', 10, 'Lead 01J'],
  ])('never splits %s', (_, text, max, cut) => {
    const result = cutAtGrapheme(text, max);
    expect(result).toBe(cut);
    expect(result.length).toBeLessThanOrEqual(max);
    // No lone surrogate: half an emoji.
    expect(result).not.toMatch(/\p{Cs}/u);
  });
});

// The text rules spell the closed Unicode categories \p{Cc}, \p{Cs}, \p{Zl} and \p{Zp} as ranges
// (a \p{…} class costs every cold start its ICU set; functions/domain/lead.ts). Checked here
// against the category forms for every BMP code unit, lone surrogates included, and a stride of
// the astral planes: the rules must accept and refuse exactly what they did.
describe('text rules spelled as ranges', () => {
  const units = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit));
  const astral = Array.from({ length: 0x100 }, (_, i) =>
    String.fromCodePoint(0x10000 + i * 0x1000 + (i % 97)),
  );
  const characters = [...units, ...astral];
  const hex = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  /** The characters on which two rules disagree, as code points (a short list when one is wrong). */
  const disagreements = (rule: (text: string) => boolean, reference: (text: string) => boolean) =>
    characters.filter((c) => rule(`a${c}b`) !== reference(`a${c}b`)).map(hex);

  it('a one-line field accepts exactly the characters the category form did', () => {
    const categories = /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]*$/u;
    const visible = /[^\s\p{Cf}]/u;
    expect(
      disagreements(
        (text) => customerSchema.safeParse({ ...customer, companyName: text }).success,
        (text) => categories.test(text) && visible.test(text),
      ),
    ).toEqual([]);
  });

  it('free text accepts exactly the characters the category form did', () => {
    const categories = /^(?:[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]|[\t\n\r])*$/u;
    expect(
      disagreements(
        (text) => needSchema.safeParse({ title: 'ERP', description: text }).success,
        (text) => categories.test(text),
      ),
    ).toEqual([]);
  });

  it('a webhook description accepts exactly the characters the category form did', () => {
    const url = 'https://hooks.example/in';
    expect(
      disagreements(
        (text) =>
          subscriptionInputSchema.safeParse({ url, events: ['lead.received'], description: text }).success,
        (text) => /^[^\p{Cc}]*$/u.test(text),
      ),
    ).toEqual([]);
  });

  it('an email subject breaks no line where the category form did', () => {
    const subjectWith = (c: string) =>
      renderWebhookDisabled({
        id: `a${c}b`,
        partnerId: 'contoso',
        url: 'https://x',
        reason: 'gone',
        at: 'now',
      }).subject;
    const expected = (c: string) =>
      `Webhook a${c}b was disabled`.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
    expect(characters.filter((c) => subjectWith(c) !== expected(c)).map(hex)).toEqual([]);
  });
});
