/** The insights use case: the period asked for, the aggregates of its months, the report. */
import { insightsReport, periodOf, type Tally } from './insights.js';

/** The stored aggregates, as the insights read them. */
export interface InsightsReader {
  /** The partner's months (present only where it had leads) and every partner's over all of them. */
  read(partnerId: string, months: string[]): Promise<{ partner: Map<string, Tally>; platform: Tally }>;
}

export class InsightsService {
  constructor(
    private readonly reader: InsightsReader,
    private readonly clock: () => Date,
  ) {}

  /** SPEC §7.2 for the caller's partner: O(months) item reads in one request, never a scan of leads. */
  async report(partnerId: string, query: { from?: string; to?: string }) {
    const now = this.clock();
    const months = periodOf(query, now);
    const { partner, platform } = await this.reader.read(partnerId, months);
    return insightsReport({ partnerId, months, partner, platform, now });
  }
}
