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
});
