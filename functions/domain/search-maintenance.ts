/**
 * Keeping the search index (SPEC §7.3) in step with profiles and responsiveness. Three steps, each
 * driven by one item's stream record and idempotent:
 *   profile saved      -> the card's searchable profile (if what search shows or matches changed)
 *   insights month     -> the card's ranking snapshot (if the partner's 90 days say something new)
 *   card changed       -> the partner's index items, rewritten from the card's old to new state
 */

import type { Tally } from './insights.js';
import { type RankingSnapshot, rankingSnapshot, sameSnapshot, windowMonths } from './ranking.js';
import { candidateOf, type SearchCard, type SearchProfile } from './search.js';

export interface SearchCardStore {
  saveProfile(partnerId: string, profile: SearchProfile, version: number): Promise<void>;
  /** Each partner's window months summed, with its current card's snapshot and that snapshot's key. */
  windows(
    partnerIds: string[],
    months: string[],
  ): Promise<Map<string, { window: Tally; card?: { ranking?: RankingSnapshot; rankingKey?: string } }>>;
  /** Stores the snapshot if the card still holds `previousKey`; false if another writer came first. */
  saveRanking(partnerId: string, ranking: RankingSnapshot, previousKey: string | undefined): Promise<boolean>;
  rewrite(
    before: SearchCard | undefined,
    after: SearchCard | undefined,
  ): Promise<{ put: number; deleted: number }>;
}

const MAX_RANKING_ATTEMPTS = 4;

export class SearchMaintenance {
  constructor(
    private readonly store: SearchCardStore,
    private readonly clock: () => Date,
  ) {}

  /** A saved profile: copy its searchable part to the card, unless that part did not change. */
  async profileSaved(
    partnerId: string,
    before: SearchProfile | undefined,
    after: SearchProfile,
    version: number,
  ) {
    if (before && JSON.stringify(before) === JSON.stringify(after)) return false;
    await this.store.saveProfile(partnerId, after, version);
    return true;
  }

  /**
   * Partners whose insights changed: recompute each one's 90-day snapshot and store it where it
   * differs. Returns the partners whose snapshot changed.
   */
  async refreshRankings(partnerIds: string[]): Promise<string[]> {
    const changed: string[] = [];
    let pending = [...new Set(partnerIds)];
    for (let attempt = 1; pending.length > 0 && attempt <= MAX_RANKING_ATTEMPTS; attempt++) {
      const windows = await this.store.windows(pending, windowMonths(this.clock()));
      const retry: string[] = [];
      for (const partnerId of pending) {
        const { window, card } = windows.get(partnerId)!;
        const snapshot = rankingSnapshot(window);
        if (sameSnapshot(card?.ranking, snapshot)) continue;
        if (await this.store.saveRanking(partnerId, snapshot, card?.rankingKey)) changed.push(partnerId);
        else retry.push(partnerId);
      }
      pending = retry;
    }
    if (pending.length > 0)
      throw new Error(`ranking snapshots kept changing under us: ${pending.join(', ')}`);
    return changed;
  }

  /** A changed card: rewrite its index items, unless nothing search holds changed. */
  async cardChanged(before: SearchCard | undefined, after: SearchCard | undefined) {
    const was = before ? candidateOf(before) : undefined;
    const is = after ? candidateOf(after) : undefined;
    if (JSON.stringify(was) === JSON.stringify(is)) return undefined;
    return this.store.rewrite(before, after);
  }
}
