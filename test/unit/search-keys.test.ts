/**
 * Search index keys stay inside DynamoDB's key limits (2,048 bytes of partition key, 1,024 of sort
 * key) whatever a profile or a search holds, and a long term is still found by a search for it.
 */
import fc from 'fast-check';
import { MAX_SPELLED_TERM_BYTES, searchTermPk } from '../../functions/adapters/dynamodb/keys.js';
import { indexItemsOf, partitionPk } from '../../functions/adapters/dynamodb/search-index.js';
import { termsOf } from '../../functions/domain/keywords.js';
import { profileInputSchema } from '../../functions/domain/profile.js';
import { partitionsFor, searchProfileOf } from '../../functions/domain/search.js';

const bytes = (s: string) => new TextEncoder().encode(s).length;
// U+FDFA is one character that NFKD turns into 18 Arabic letters (2 bytes each, 6 once percent-encoded).
const LIGATURE = '\uFDFA';

const indexKeysOf = (keywords: string[]) =>
  indexItemsOf({
    partnerId: 'contoso',
    profile: {
      ...searchProfileOf({ keywords, companySizes: [], locations: [{ country: 'IT' }], companyName: 'C' }),
    },
  }).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));

describe('search index keys', () => {
  it('keep a long term under the partition key limit, and a search for it reads its partition', () => {
    const longTerm = LIGATURE.repeat(60);
    const keys = indexKeysOf([longTerm]);
    expect(keys.length).toBeGreaterThan(0);
    for (const { pk, sk } of keys) {
      expect(bytes(pk)).toBeLessThanOrEqual(2048);
      expect(bytes(sk)).toBeLessThanOrEqual(1024);
    }
    const searched = partitionsFor({ terms: termsOf(longTerm), country: 'IT' }).map(partitionPk);
    expect(keys.map((k) => k.pk)).toEqual(expect.arrayContaining(searched));
  });

  it('spell out short terms as before, and never let a hashed key read as a spelled one', () => {
    expect(searchTermPk('azure')).toBe('SEARCH#TERM#azure');
    expect(searchTermPk('c#', 'IT')).toBe('SEARCH#TERM#c%23#C#IT');
    const long = 'x'.repeat(MAX_SPELLED_TERM_BYTES + 1);
    expect(searchTermPk(long)).toMatch(/^SEARCH#LONGTERM#[A-Za-z0-9_-]{43}$/);
  });

  it('any search or keyword text gives keys within the limits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constantFrom(undefined, 'IT'),
        (text, cc) => {
          for (const term of termsOf(text)) {
            expect(bytes(searchTermPk(term, cc))).toBeLessThanOrEqual(2048);
          }
        },
      ),
    );
  });
});

describe('profile keywords', () => {
  it('refuse a keyword too long once normalised, naming it', () => {
    const result = profileInputSchema.safeParse({ keywords: ['azure', LIGATURE.repeat(60)] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['keywords', 1]]);
    expect(profileInputSchema.safeParse({ keywords: ['é'.repeat(60)] }).success).toBe(true);
  });
});
