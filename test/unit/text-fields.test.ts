import { cutAtGrapheme } from '../../functions/adapters/ses/templates.js';
import { customerSchema, needSchema } from '../../functions/domain/lead.js';

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
