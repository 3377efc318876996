/**
 * Partner search's use cases and index bookkeeping against recording fakes: which partitions a
 * partner is listed in and a search reads, what the card holds, and what the maintenance writes
 * (and when it writes nothing).
 */
import { figure, type Tally } from '../../functions/domain/insights.js';
import {
  type Candidate,
  neutralSnapshot,
  type RankingSnapshot,
  rankingSnapshot,
  windowMonths,
} from '../../functions/domain/ranking.js';
import {
  candidateOf,
  MAX_INDEXED_COUNTRIES,
  MAX_INDEXED_TERMS,
  type Partition,
  type PartnerIndex,
  partitionsFor,
  partitionsOf,
  perPartition,
  type SearchCard,
  type SearchProfile,
  SearchService,
  searchProfileOf,
} from '../../functions/domain/search.js';
import { type SearchCardStore, SearchMaintenance } from '../../functions/domain/search-maintenance.js';

const profile: SearchProfile = {
  listed: true,
  companyName: 'Contoso',
  description: 'Azure partner',
  keywords: ['azure migration'],
  countries: ['IT'],
  companySizes: ['10-49'],
};
const card = (over: Partial<SearchProfile> = {}, ranking?: RankingSnapshot): SearchCard => ({
  partnerId: 'contoso',
  profile: { ...profile, ...over },
  ...(ranking ? { ranking } : {}),
});

describe('searchProfileOf', () => {
  it('keeps what search shows and matches: keywords normalised once, countries once, sizes as given', () => {
    expect(
      searchProfileOf({
        keywords: ['Azure  Migración', 'azure migracion', 'ERP'],
        companySizes: ['10-49', '50-249'],
        locations: [{ country: 'IT' }, { country: 'DE' }, { country: 'IT' }],
        companyName: 'Contoso',
        description: 'Cloud',
      }),
    ).toEqual({
      listed: true,
      companyName: 'Contoso',
      description: 'Cloud',
      keywords: ['azure migracion', 'erp'],
      countries: ['IT', 'DE'],
      companySizes: ['10-49', '50-249'],
    });
  });

  it('lists a profile by default, keeps an unlisted one unlisted, and leaves out empty texts', () => {
    const base = { keywords: [], companySizes: [], locations: [] };
    expect(searchProfileOf(base)).toEqual({ listed: true, keywords: [], countries: [], companySizes: [] });
    expect(searchProfileOf({ ...base, listed: false, companyName: '', description: '' })).toEqual({
      listed: false,
      keywords: [],
      countries: [],
      companySizes: [],
    });
  });
});

describe('candidateOf', () => {
  it('is the card as search sees it, with the neutral prior until a snapshot exists', () => {
    expect(candidateOf(card())).toEqual({
      partnerId: 'contoso',
      companyName: 'Contoso',
      description: 'Azure partner',
      keywords: ['azure migration'],
      countries: ['IT'],
      companySizes: ['10-49'],
      ranking: neutralSnapshot(),
    });
    const ranked = rankingSnapshot({
      counts: { [figure.count('customer-inquiry', 'expired')]: 3 },
      money: {},
    });
    expect(candidateOf(card({}, ranked))?.ranking).toBe(ranked);
    expect(candidateOf(card({ description: undefined }))).not.toHaveProperty('description');
  });

  it('is nothing for a partner search must not show: no profile, unlisted, or without a company name', () => {
    expect(candidateOf({ partnerId: 'contoso' })).toBeUndefined();
    expect(candidateOf(card({ listed: false }))).toBeUndefined();
    expect(candidateOf(card({ companyName: undefined }))).toBeUndefined();
    expect(candidateOf(card({ companyName: '' }))).toBeUndefined();
  });
});

describe('partitions', () => {
  const candidate = (keywords: string[], countries: string[]): Candidate => ({
    ...candidateOf(card({ keywords, countries }))!,
  });

  it('list a partner under each term, each term with each country, and each country', () => {
    expect(partitionsOf(candidate(['azure migration', 'azure'], ['IT', 'DE']))).toEqual<Partition[]>([
      { term: 'azure' },
      { term: 'azure', country: 'IT' },
      { term: 'azure', country: 'DE' },
      { term: 'migration' },
      { term: 'migration', country: 'IT' },
      { term: 'migration', country: 'DE' },
      { country: 'IT' },
      { country: 'DE' },
    ]);
    expect(partitionsOf(undefined)).toEqual([]);
  });

  it('cap the terms and countries a partner is listed under', () => {
    const terms = Array.from({ length: MAX_INDEXED_TERMS + 5 }, (_, i) => `t${i}`);
    const countries = Array.from({ length: MAX_INDEXED_COUNTRIES + 3 }, (_, i) => `C${i}`);
    const partitions = partitionsOf(candidate(terms, countries));
    expect(partitions).toHaveLength(MAX_INDEXED_TERMS * (1 + MAX_INDEXED_COUNTRIES) + MAX_INDEXED_COUNTRIES);
    expect(partitions).toContainEqual({ term: `t${MAX_INDEXED_TERMS - 1}` });
    expect(partitions).not.toContainEqual({ term: `t${MAX_INDEXED_TERMS}` });
    expect(partitions).toContainEqual({ country: `C${MAX_INDEXED_COUNTRIES - 1}` });
    expect(partitions).not.toContainEqual({ country: `C${MAX_INDEXED_COUNTRIES}` });
  });

  it('read by a search: each term (with the country), else the country alone, else none', () => {
    // Strict: a partition key names no country at all, not an undefined one.
    expect(partitionsFor({ terms: ['azure', 'erp'] })).toStrictEqual([{ term: 'azure' }, { term: 'erp' }]);
    expect(partitionsFor({ terms: ['azure'], country: 'IT' })).toStrictEqual([
      { term: 'azure', country: 'IT' },
    ]);
    expect(partitionsFor({ terms: [], country: 'IT' })).toStrictEqual([{ country: 'IT' }]);
    expect(partitionsFor({ terms: [] })).toStrictEqual([]);
  });

  it('are read for twice the page, at least 25 and at most 100, doubled when a size filters', () => {
    expect(perPartition({ limit: 5 })).toBe(25);
    expect(perPartition({ limit: 13 })).toBe(26);
    expect(perPartition({ limit: 20, companySize: '10-49' })).toBe(80);
    expect(perPartition({ limit: 5, companySize: '10-49' })).toBe(50);
    expect(perPartition({ limit: 60 })).toBe(100);
  });
});

describe('SearchService', () => {
  function recordingIndex(candidates: Candidate[]) {
    const reads: Array<{ partitions: Partition[]; perPartition: number }> = [];
    const index: PartnerIndex = {
      candidates: async (partitions, per) => {
        reads.push({ partitions, perPartition: per });
        return candidates;
      },
    };
    return { index, reads };
  }
  const contoso = candidateOf(card())!;
  const fabrikam = candidateOf({
    ...card({ companyName: 'Fabrikam', countries: ['DE'] }),
    partnerId: 'fabrikam',
  })!;

  it('reads the partitions of the search terms (at most five) and ranks what fits', async () => {
    const { index, reads } = recordingIndex([contoso, fabrikam]);
    const found = await new SearchService(index).search({
      keyword: 'Azure one two three four five six',
      country: 'IT',
      limit: 10,
    });
    expect(reads).toEqual([
      {
        partitions: ['azure', 'one', 'two', 'three', 'four'].map((term) => ({ term, country: 'IT' })),
        perPartition: 25,
      },
    ]);
    expect(found.map((p) => p.partnerId)).toEqual(['contoso']);
    expect(found[0]?.why).toContain('serves IT');
  });

  it('passes the size and lead type on to the ranking, and reads twice as many for a size', async () => {
    const { index, reads } = recordingIndex([contoso]);
    const found = await new SearchService(index).search({
      keyword: 'azure',
      companySize: '10-49',
      type: 'customer-inquiry',
      limit: 10,
    });
    expect(reads[0]).toEqual({ partitions: [{ term: 'azure' }], perPartition: 50 });
    expect(found[0]?.fit).toEqual({ keywords: ['azure migration'], country: null, companySize: true });
    const none = await new SearchService(recordingIndex([contoso]).index).search({
      keyword: 'azure',
      companySize: '1000+',
      limit: 10,
    });
    expect(none).toEqual([]);
  });

  it('weighs how the partner answered leads of the type searched for', async () => {
    const ranking = (similar: RankingSnapshot['similar']): RankingSnapshot => ({
      ...rankingSnapshot({ counts: {}, money: {} }),
      similar,
    });
    const keen = candidateOf(
      card({ companyName: 'Keen' }, ranking({ 'type:customer-inquiry': 1, 'type:sales-qualified': -1 })),
    )!;
    const found = await new SearchService(recordingIndex([keen]).index).search({
      keyword: 'azure',
      type: 'customer-inquiry',
      limit: 10,
    });
    expect(found[0]?.why).toContain('accepted more leads of type customer-inquiry than it declined');
    const untyped = await new SearchService(recordingIndex([keen]).index).search({
      keyword: 'azure',
      limit: 10,
    });
    expect(untyped[0]?.why.join(' ')).not.toContain('of type');
  });

  it('reads nothing for a search without terms or country', async () => {
    const { index, reads } = recordingIndex([contoso]);
    expect(await new SearchService(index).search({ keyword: '', limit: 10 })).toEqual([]);
    expect(await new SearchService(index).search({ keyword: 'the and of', limit: 10 })).toEqual([]);
    expect(reads).toEqual([]);
  });
});

describe('SearchMaintenance', () => {
  const now = new Date('2026-11-25T10:00:00.000Z');
  const window = (expired: number): Tally => ({
    counts: { [figure.count('customer-inquiry', 'expired')]: expired },
    money: {},
  });

  function recordingStore(
    windows: Map<string, { window: Tally; card?: { ranking?: RankingSnapshot; rankingKey?: string } }>,
    refusals = 0,
  ) {
    const calls: unknown[][] = [];
    let refused = 0;
    const store: SearchCardStore = {
      saveProfile: async (...args) => {
        calls.push(['saveProfile', ...args]);
      },
      windows: async (...args) => {
        calls.push(['windows', ...args]);
        return windows;
      },
      saveRanking: async (...args) => {
        calls.push(['saveRanking', ...args]);
        return refused++ >= refusals;
      },
      rewrite: async (...args) => {
        calls.push(['rewrite', ...args]);
        return { put: 3, deleted: 1 };
      },
    };
    return { store, calls };
  }

  it('copies a saved profile to the card only when its searchable part changed', async () => {
    const { store, calls } = recordingStore(new Map());
    const maintenance = new SearchMaintenance(store, () => now);
    expect(await maintenance.profileSaved('contoso', profile, { ...profile }, 4)).toBe(false);
    expect(calls).toEqual([]);
    const after = { ...profile, keywords: ['erp'] };
    expect(await maintenance.profileSaved('contoso', profile, after, 5)).toBe(true);
    expect(await maintenance.profileSaved('contoso', undefined, profile, 1)).toBe(true);
    expect(calls).toEqual([
      ['saveProfile', 'contoso', after, 5],
      ['saveProfile', 'contoso', profile, 1],
    ]);
  });

  it('stores a new snapshot over the key it read, for each partner once, and skips an unchanged one', async () => {
    const same = rankingSnapshot(window(2));
    const { store, calls } = recordingStore(
      new Map([
        ['contoso', { window: window(3), card: { ranking: same, rankingKey: 'k1' } }],
        ['fabrikam', { window: window(2), card: { ranking: same, rankingKey: 'k2' } }],
        ['northwind', { window: window(1) }],
      ]),
    );
    const changed = await new SearchMaintenance(store, () => now).refreshRankings([
      'contoso',
      'fabrikam',
      'northwind',
      'contoso',
    ]);
    expect(changed).toEqual(['contoso', 'northwind']);
    expect(calls).toEqual([
      ['windows', ['contoso', 'fabrikam', 'northwind'], windowMonths(now)],
      ['saveRanking', 'contoso', rankingSnapshot(window(3)), 'k1'],
      ['saveRanking', 'northwind', rankingSnapshot(window(1)), undefined],
    ]);
  });

  it('rereads and retries a partner another writer got to first, and gives up after four attempts', async () => {
    const windows = new Map([['contoso', { window: window(3) }]]);
    const retried = recordingStore(windows, 3);
    expect(await new SearchMaintenance(retried.store, () => now).refreshRankings(['contoso'])).toEqual([
      'contoso',
    ]);
    expect(retried.calls.filter(([name]) => name === 'windows')).toHaveLength(4);
    const refused = recordingStore(windows, 4);
    await expect(
      new SearchMaintenance(refused.store, () => now).refreshRankings(['contoso']),
    ).rejects.toThrow('ranking snapshots kept changing under us: contoso');
    const both = new Map([...windows, ['northwind', { window: window(1) }]]);
    await expect(
      new SearchMaintenance(recordingStore(both, 8).store, () => now).refreshRankings([
        'contoso',
        'northwind',
      ]),
    ).rejects.toThrow('ranking snapshots kept changing under us: contoso, northwind');
    expect(refused.calls.filter(([name]) => name === 'saveRanking')).toHaveLength(4);
    const nothing = recordingStore(windows);
    expect(await new SearchMaintenance(nothing.store, () => now).refreshRankings([])).toEqual([]);
    expect(nothing.calls).toEqual([]);
  });

  it('rewrites the index items only when what search holds of the card changed', async () => {
    const { store, calls } = recordingStore(new Map());
    const maintenance = new SearchMaintenance(store, () => now);
    expect(await maintenance.cardChanged(card(), card())).toBeUndefined();
    expect(await maintenance.cardChanged(undefined, card({ listed: false }))).toBeUndefined();
    expect(await maintenance.cardChanged(card({ listed: false }), undefined)).toBeUndefined();
    expect(calls).toEqual([]);
    const after = card({ countries: ['DE'] });
    expect(await maintenance.cardChanged(card(), after)).toEqual({ put: 3, deleted: 1 });
    expect(await maintenance.cardChanged(undefined, card())).toEqual({ put: 3, deleted: 1 });
    expect(await maintenance.cardChanged(card(), undefined)).toEqual({ put: 3, deleted: 1 });
    expect(calls).toEqual([
      ['rewrite', card(), after],
      ['rewrite', undefined, card()],
      ['rewrite', card(), undefined],
    ]);
  });
});
