/**
 * Keyword matching (SPEC §7.1): case, accents and extra spaces never matter. One normalisation,
 * shared by the profile (which keeps one spelling of each keyword), the search index and the search.
 */

/** Lower case, accents dropped, runs of white space as one space, trimmed. */
export function normalizeKeyword(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

// Words that would make nearly every partner "share a term" with a search.
const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and or of the for to in on with by at e ed o di da del della per il lo la le i gli un una de des du et la les y el los las der die das und fur von mit'.split(
    ' ',
  ),
);

/**
 * The terms of a keyword or of a search: its words once normalised (letters, digits, `+` and `#`,
 * so `C#` and `C++` stay themselves), without stop words, each once, in order of appearance.
 */
export function termsOf(text: string): string[] {
  const words = normalizeKeyword(text).split(/[^\p{L}\p{N}+#]+/u);
  return [...new Set(words.filter((w) => w.length > 0 && !STOP_WORDS.has(w)))];
}

/** Keywords as a profile keeps them: spaces collapsed, and each keyword once whatever its case or accents. */
export function distinctKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const keyword of keywords) {
    const display = keyword.replace(/\s+/gu, ' ').trim();
    const key = normalizeKeyword(display);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    kept.push(display);
  }
  return kept;
}
