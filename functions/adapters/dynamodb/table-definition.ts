/**
 * The one table definition. The CDK stack and the local runtime both build the table from it, so
 * local and cloud cannot drift. Each index is named for the access pattern it serves (electrodb's
 * habit); its key attributes keep the generic `gsiNpk`/`gsiNsk` names so one item type can overload
 * an index. Key formats live in keys.ts.
 */

/** A global secondary index: its name, key attributes and what it projects. */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection: { type: 'ALL' } | { type: 'INCLUDE'; nonKeyAttributes: readonly string[] };
}

const index = <N extends string, D extends Omit<IndexDefinition, 'name'>>(name: N, definition: D) => ({
  name,
  ...definition,
});

/** Every index, by the access pattern it serves. */
export const indexes = {
  /** A partner's leads by stored stage and tab, newest first; and each user's favorites. */
  byPartnerStage: index('byPartnerStage', {
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    projection: { type: 'ALL' },
  }),
  /** Every lead a sender sent, newest first, sharded per sender. */
  bySender: index('bySender', { partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: { type: 'ALL' } }),
  /** Sparse: received leads by deadline, for the expiry reconciler. */
  dueForExpiry: index('dueForExpiry', {
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    projection: { type: 'INCLUDE', nonKeyAttributes: ['partnerId', 'respondBy'] },
  }),
  /** Sparse: received leads whose reminder has not gone out, by when it is due. */
  dueForReminder: index('dueForReminder', {
    partitionKey: 'gsi4pk',
    sortKey: 'gsi4sk',
    projection: { type: 'INCLUDE', nonKeyAttributes: ['partnerId', 'respondBy'] },
  }),
  /** All of a partner's leads, newest first: the unfiltered list in one Query. */
  byPartner: index('byPartner', { partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: { type: 'ALL' } }),
  /**
   * Sparse: a partner's open (received or accepted) leads by customer email domain (or address, for
   * free mail), newest first: the possible duplicates of a new lead in one Query.
   */
  openByCustomer: index('openByCustomer', {
    partitionKey: 'gsi6pk',
    sortKey: 'gsi6sk',
    projection: {
      type: 'INCLUDE',
      nonKeyAttributes: ['partnerId', 'sender', 'customer', 'receivedAt', 'respondBy', 'stage'],
    },
  }),
  /**
   * Sparse: archived leads whose customer contact data is still kept, by when they were archived,
   * in shards: the retention erasure (PII_RETENTION) finds what is due in one Query per shard.
   */
  dueForErasure: index('dueForErasure', {
    partitionKey: 'gsi7pk',
    sortKey: 'gsi7sk',
    projection: { type: 'INCLUDE', nonKeyAttributes: ['partnerId'] },
  }),
} as const satisfies Record<string, IndexDefinition>;

export type IndexKey = keyof typeof indexes;

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. Only timer, idempotency and counted-change items carry it; a lead item never does. */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: Object.values(indexes) satisfies readonly IndexDefinition[],
} as const;

/**
 * Attributes that exist only for the table's keys and indexes (and the item-type tag): stripped
 * when an item is read back as a domain object, so no key leaks into a lead or a profile.
 */
export const storageAttributes: ReadonlySet<string> = new Set([
  tableDefinition.partitionKey,
  tableDefinition.sortKey,
  'entity',
  ...tableDefinition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);
