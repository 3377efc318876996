/**
 * Partner search (SPEC §7.3): what a partner's search card holds, which index partitions it is
 * listed in, and the search use case over the index port. Pure, apart from the port it is given.
 */
import { normalizeKeyword, termsOf } from './keywords.js';
import type { LeadType } from './lead.js';
import {
  type Candidate,
  neutralSnapshot,
  type RankedPartner,
  type RankingSnapshot,
  rankPartners,
  type SearchQuery,
} from './ranking.js';

/** The profile's part of a search card: what search shows and matches on. */
export interface SearchProfile {
  listed: boolean;
  companyName?: string;
  description?: string;
  /** Keywords, normalised. */
  keywords: string[];
  countries: string[];
  companySizes: string[];
}

/** Everything the index needs about a partner: its searchable profile and its ranking snapshot. */
export interface SearchCard {
  partnerId: string;
  profile?: SearchProfile;
  ranking?: RankingSnapshot;
}

/** An index partition: a term (optionally with a country), or a country alone. */
export type Partition = { term: string; country?: string } | { country: string };

/** Caps that bound a partner's index items: at most TERMS x (1 + COUNTRIES) + COUNTRIES. */
export const MAX_INDEXED_TERMS = 40;
export const MAX_INDEXED_COUNTRIES = 10;
/** Search terms per query: the number of Queries a search may send. */
export const MAX_SEARCH_TERMS = 5;

/** The searchable part of a saved profile (see profile.ts). */
export function searchProfileOf(profile: {
  keywords: readonly string[];
  companySizes: readonly string[];
  locations: ReadonlyArray<{ country: string }>;
  listed?: boolean | undefined;
  companyName?: string | undefined;
  description?: string | undefined;
}): SearchProfile {
  return {
    listed: profile.listed ?? true,
    ...(profile.companyName ? { companyName: profile.companyName } : {}),
    ...(profile.description ? { description: profile.description } : {}),
    keywords: [...new Set(profile.keywords.map(normalizeKeyword))],
    countries: [...new Set(profile.locations.map((l) => l.country))],
    companySizes: [...profile.companySizes],
  };
}

/** The partner as search sees it, or undefined when it is not searchable (unlisted, or no company name). */
export function candidateOf(card: SearchCard): Candidate | undefined {
  const p = card.profile;
  if (!p?.listed || !p.companyName) return undefined;
  return {
    partnerId: card.partnerId,
    companyName: p.companyName,
    ...(p.description ? { description: p.description } : {}),
    keywords: p.keywords,
    countries: p.countries,
    companySizes: p.companySizes,
    ranking: card.ranking ?? neutralSnapshot(),
  };
}

/** Every partition a searchable partner is listed in (none when it is not searchable). */
export function partitionsOf(candidate: Candidate | undefined): Partition[] {
  if (!candidate) return [];
  const terms = [...new Set(candidate.keywords.flatMap(termsOf))].slice(0, MAX_INDEXED_TERMS);
  const countries = candidate.countries.slice(0, MAX_INDEXED_COUNTRIES);
  return [
    ...terms.flatMap((term) => [{ term }, ...countries.map((country) => ({ term, country }))]),
    ...countries.map((country) => ({ country })),
  ];
}

/** The partitions one search reads: one per term (with its country), or the country's alone. */
export function partitionsFor(query: Pick<SearchQuery, 'terms' | 'country'>): Partition[] {
  if (query.terms.length > 0) {
    return query.terms.map((term) =>
      query.country === undefined ? { term } : { term, country: query.country },
    );
  }
  return query.country === undefined ? [] : [{ country: query.country }];
}

/** The search index, as the domain needs it. */
export interface PartnerIndex {
  /** The best `perPartition` candidates of each partition (by responsiveness band), all together. */
  candidates(partitions: Partition[], perPartition: number): Promise<Candidate[]>;
}

export interface SearchRequest {
  keyword?: string;
  country?: string;
  companySize?: string;
  type?: LeadType;
  limit: number;
}

/**
 * How many items each partition is read for: the band order of a partition is the rank order among
 * equal fits, so a page needs about `limit` per partition; more when a size filter drops some.
 */
export const perPartition = (request: Pick<SearchRequest, 'limit' | 'companySize'>) =>
  Math.min(100, Math.max(25, request.limit * 2) * (request.companySize ? 2 : 1));

export class SearchService {
  constructor(private readonly index: PartnerIndex) {}

  /** The partners that fit, best first, with why (SPEC §7.3). */
  async search(request: SearchRequest): Promise<RankedPartner[]> {
    const query: SearchQuery = {
      terms: request.keyword ? termsOf(request.keyword).slice(0, MAX_SEARCH_TERMS) : [],
      ...(request.country ? { country: request.country } : {}),
      ...(request.companySize ? { companySize: request.companySize } : {}),
      ...(request.type ? { type: request.type } : {}),
      limit: request.limit,
    };
    const partitions = partitionsFor(query);
    if (partitions.length === 0) return [];
    return rankPartners(await this.index.candidates(partitions, perPartition(request)), query);
  }
}
