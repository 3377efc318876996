/**
 * The one table definition. The CDK stack and the local runtime both build the table from it, so
 * local and cloud cannot drift. Key formats live in keys.ts.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. Only timer and idempotency items carry it; a lead item never does. */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: [
    /** Partner lists by stage, and each user's favorites. */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: { type: 'ALL' } },
    /** All of a partner's leads, newest first: the unfiltered list in one Query. */
    { name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: { type: 'ALL' } },
    /** Sent leads per sender, sharded. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: { type: 'ALL' } },
    /** Sparse: received leads by deadline, for the expiry reconciler. */
    {
      name: 'gsi3',
      partitionKey: 'gsi3pk',
      sortKey: 'gsi3sk',
      projection: { type: 'INCLUDE', nonKeyAttributes: ['partnerId', 'respondBy'] },
    },
    /** Sparse: received leads whose reminder has not gone out, by when it is due. */
    {
      name: 'gsi4',
      partitionKey: 'gsi4pk',
      sortKey: 'gsi4sk',
      projection: { type: 'INCLUDE', nonKeyAttributes: ['partnerId', 'respondBy'] },
    },
  ],
} as const;

export type IndexName = (typeof tableDefinition.indexes)[number]['name'];
