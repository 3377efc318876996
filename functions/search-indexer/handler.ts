/**
 * Keeps the partner search index from the table's stream (see SearchMaintenance): profile saves,
 * insights month changes and search card changes. Records are processed in order, so the card
 * changes of one partner rewrite its index in the order they happened.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { partnerOfStatsPk } from '../adapters/dynamodb/keys.js';
import { cardOf, searchCardOf } from '../adapters/dynamodb/search-index.js';
import { searchProfileOf } from '../domain/search.js';
import { searchMaintenance } from '../shared/insights-composition-root.js';
import { logger } from '../shared/logger.js';
import { loggedRecord } from '../stream/failures.js';
import { itemOf } from '../stream/records.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** Only what search needs of a stored profile; whatever else the profile holds is not search's business. */
const storedProfile = z.object({
  listed: z.optional(z.boolean()),
  companyName: z.optional(z.string()),
  description: z.optional(z.string()),
  keywords: z._default(z.array(z.string()), []),
  companySizes: z._default(z.array(z.string()), []),
  locations: z._default(z.array(z.object({ country: z.string() })), []),
});
const searchableProfile = (item: Record<string, unknown> | undefined) => {
  const parsed = item ? storedProfile.safeParse(item) : undefined;
  return parsed?.success ? searchProfileOf(parsed.data) : undefined;
};

/** One refresh per invocation for every partner whose insights changed in it. */
let refreshing: { event: DynamoDBStreamEvent; done: Promise<string[]> } | undefined;
function refreshFor(event: DynamoDBStreamEvent): Promise<string[]> {
  if (refreshing?.event !== event) {
    const partners = event.Records.flatMap((r) => {
      const partner = partnerOfStatsPk(r.dynamodb?.Keys?.pk?.S ?? '');
      return partner ? [partner] : [];
    });
    refreshing = { event, done: searchMaintenance.refreshRankings(partners) };
  }
  return refreshing.done;
}

function handle(event: DynamoDBStreamEvent) {
  return async (record: DynamoDBRecord): Promise<void> => {
    const keys = record.dynamodb?.Keys;
    const pk = keys?.pk?.S ?? '';
    const sk = keys?.sk?.S ?? '';
    if (partnerOfStatsPk(pk)) {
      const changed = await refreshFor(event);
      logger.debug('rankings refreshed', { changed: changed.length });
      return;
    }
    const before = itemOf(record.dynamodb?.OldImage);
    const after = itemOf(record.dynamodb?.NewImage);
    if (sk === 'PROFILE' && pk.startsWith('PARTNER#')) {
      const profile = searchableProfile(after);
      if (!profile || !after) return;
      const partnerId = pk.slice('PARTNER#'.length);
      await searchMaintenance.profileSaved(
        partnerId,
        searchableProfile(before),
        profile,
        Number(after.version ?? 0),
      );
      return;
    }
    if (sk === 'CARD') {
      const was = cardOf(before);
      const is = cardOf(after);
      const result = await searchMaintenance.cardChanged(was && searchCardOf(was), is && searchCardOf(is));
      if (result)
        logger.info('search index rewritten', { partnerId: is?.partnerId ?? was?.partnerId, ...result });
    }
  };
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, loggedRecord('search-indexer', handle(event)), processor, {
    context,
    processInParallel: false,
  });
};
