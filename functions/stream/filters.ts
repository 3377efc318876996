/**
 * The event filters of the stream consumers: the CDK event-source mappings and the local stream
 * poller both use these, so each consumer sees the same records everywhere. Patterns follow
 * Lambda's filter syntax (EventBridge patterns over the stream record).
 */
import { indexes } from '../adapters/dynamodb/table-definition.js';

export type FilterPattern = {
  [key: string]: FilterPattern | Array<string | { exists: boolean } | { prefix: string }>;
};

const ttlDeletion = { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] };

/** DynamoDB's TTL deleted an expiry timer: the lead's response window has closed. */
export const expiryTimerDeleted: FilterPattern = {
  eventName: ['REMOVE'],
  userIdentity: ttlDeletion,
  dynamodb: { Keys: { sk: { S: ['TIMER#EXPIRY'] } } },
};

/** A lead arrived. */
export const leadInserted: FilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { sk: { S: ['LEAD'] } } },
};

/** A received lead was declined or expired. */
export const leadClosedUnanswered: FilterPattern = {
  eventName: ['MODIFY'],
  dynamodb: {
    Keys: { sk: { S: ['LEAD'] } },
    OldImage: { stage: { S: ['received'] } },
    NewImage: { outcome: { S: ['declined', 'expired'] } },
  },
};

/**
 * A received lead's reminder became due (or is asked for again). A reminded lead stays on the
 * reminder index until its email is confirmed, so the write that finally takes it off (no version
 * change, no new remindedAt) is kept away; later changes of a reminded lead still match, and the
 * notifier keeps only those that set a new remindedAt.
 */
export const leadReminderDue: FilterPattern = {
  eventName: ['MODIFY'],
  dynamodb: {
    Keys: { sk: { S: ['LEAD'] } },
    OldImage: { stage: { S: ['received'] } },
    NewImage: {
      stage: { S: ['received'] },
      remindedAt: { S: [{ exists: true }] },
      [indexes.dueForReminder.partitionKey]: { S: [{ exists: true }] },
    },
  },
};

/** A lead was written (received, or changed in any way: the consumer keeps what bumped its version). */
export const leadWritten: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { sk: { S: ['LEAD'] } } },
};

/** A partner saved its profile (the notifier sends new alert addresses a confirmation link; search reindexes it). */
export const profileSaved: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { sk: { S: ['PROFILE'] } } },
};

/** A partner's month of insights changed (its responsiveness may have). */
export const partnerStatsChanged: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { pk: { S: [{ prefix: 'STATS#' }] } } },
};

/** A partner's search card changed: its index items follow. */
export const searchCardChanged: FilterPattern = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { Keys: { sk: { S: ['CARD'] } } },
};

export const consumerFilters = {
  archiver: [expiryTimerDeleted],
  notifier: [leadInserted, leadClosedUnanswered, leadReminderDue, profileSaved],
  insightsAggregator: [leadWritten],
  searchIndexer: [profileSaved, partnerStatsChanged, searchCardChanged],
  webhookEvents: [leadWritten],
} as const;

/** Whether a record matches a pattern (the subset of the syntax used above). */
export function matches(pattern: FilterPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const field = record[key];
    if (!Array.isArray(rule)) return matches(rule, field);
    return rule.some((allowed) => {
      if (typeof allowed === 'string') return field === allowed;
      if ('prefix' in allowed) return typeof field === 'string' && field.startsWith(allowed.prefix);
      return allowed.exists === (field !== undefined);
    });
  });
}
