/** ETags and If-Match, for every resource the API versions (leads and profiles). */

export const etagOf = (version: number) => `"${version}"`;

/**
 * The versions an If-Match header names: `undefined` for none, `'any'` for `*`, else the strong
 * ETags of its list. Weak or malformed entries name nothing, so a header of only those never matches.
 */
export function parseIfMatch(header: string | undefined): number[] | 'any' | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return 'any';
  return header
    .split(',')
    .map((tag) => /^\s*"(\d{1,12})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}

/** If-Match for a lead action: `*` asks only that the lead exists, which every action checks anyway. */
export function leadIfMatch(header: string | undefined): number[] | undefined {
  const versions = parseIfMatch(header);
  return versions === 'any' ? undefined : versions;
}
