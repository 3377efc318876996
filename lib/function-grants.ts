/**
 * Least privilege, in one place (SPEC §11): every function's DynamoDB actions, read off the code it
 * runs, on the table's items (scoped to the partitions it touches with `dynamodb:LeadingKeys`) or on
 * the named indexes it queries. The stateless stack grants exactly this and nothing else on the
 * table; test/infra/grants.test.ts fails if a function's role holds an action that is not here.
 *
 * No function may delete or scan lead data: no Scan anywhere, and DeleteItem nowhere (IAM authorises
 * a transaction's Delete as DeleteItem). BatchWriteItem (which can delete) only for the two queue and
 * stream workers whose partitions are their own bookkeeping: EMAIL# markers and SEARCH# index items.
 *
 * The partitions (pk prefixes) are those of functions/adapters/dynamodb/keys.ts.
 */
import type { IndexKey } from '../functions/adapters/dynamodb/table-definition.js';

/** The item actions the code sends (TransactWriteItems is authorised item by item as these). */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:Query';

/** Actions on the table's items, only where the partition key matches one of `partitions`. */
export interface ItemGrant {
  readonly actions: readonly ItemAction[];
  readonly partitions: readonly string[];
}

/** What one function may do to the table. */
export interface TableGrant {
  readonly items?: readonly ItemGrant[];
  /** dynamodb:Query on exactly these indexes. */
  readonly queries?: readonly IndexKey[];
}

/**
 * The other actions a function's role holds, granted by the construct that wires it (its queue's
 * event source, a queue's grantSend, the secret, SES): listed so the infra test knows them too.
 */
export type OtherAction =
  | 'secretsmanager:GetSecretValue'
  | 'secretsmanager:DescribeSecret'
  | 'sqs:SendMessage'
  | 'sqs:ReceiveMessage'
  | 'sqs:DeleteMessage'
  | 'sqs:ChangeMessageVisibility'
  | 'sqs:GetQueueAttributes'
  | 'sqs:GetQueueUrl'
  | 'ses:SendEmail'
  | 'dynamodb:DescribeStream'
  | 'dynamodb:GetRecords'
  | 'dynamodb:GetShardIterator'
  | 'dynamodb:ListStreams';

export interface FunctionGrants {
  readonly table: TableGrant;
  readonly other: readonly OtherAction[];
}

const get: ItemAction = 'dynamodb:GetItem';
const batchGet: ItemAction = 'dynamodb:BatchGetItem';
const put: ItemAction = 'dynamodb:PutItem';
const update: ItemAction = 'dynamodb:UpdateItem';
const batchWrite: ItemAction = 'dynamodb:BatchWriteItem';
const query: ItemAction = 'dynamodb:Query';

const cursorSecret: OtherAction[] = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
/** What a DynamoDB stream event source grants its function (ListStreams has no resource). */
const streamReader: OtherAction[] = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
/** What an SQS event source grants its function, plus ChangeMessageVisibility for the backoff. */
const queueConsumer: OtherAction[] = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];

/** Every authenticated call counts itself against its client's fair-use window (README "Fair use"). */
const fairUse: ItemGrant = { actions: [update], partitions: ['FAIRUSE#*'] };
/** A sender's token names a client; its sender record is read by client id. */
const senderLookup: ItemGrant = { actions: [get], partitions: ['CLIENT#*'] };
/** Read a lead; a partner action also re-reads it (consistently) to explain a refused write. */
const leadRead: ItemGrant = { actions: [get], partitions: ['LEAD#*'] };
/** A lead's transition: one conditional UpdateItem on the lead. */
const leadChange: TableGrant = { items: [{ actions: [get, update], partitions: ['LEAD#*'] }] };
/** The same, from an authenticated route: its fair-use counter too. */
const leadChangeCounted: TableGrant = { items: [...(leadChange.items ?? []), fairUse] };
/** The profile, its contacts (a Query on the partner's partition) and their suppressions. */
const profileRead: ItemGrant[] = [
  { actions: [get, query], partitions: ['PARTNER#*'] },
  { actions: [batchGet], partitions: ['SUPPRESSED#*'] },
];

/** Every function of the stateless stack by its folder under functions/, with what it may do. */
export const functionGrants = {
  // HTTP routes (functions/http/routes.ts).
  health: { table: {}, other: [] },
  openapi: { table: {}, other: [] },
  // The API's $default route (functions/no-route): a 404 or 405 from the route keys in its environment.
  'no-route': { table: {}, other: [] },
  'create-lead': {
    table: {
      items: [
        // The sender, a replayed Idempotency-Key's record and its lead.
        { actions: [get], partitions: ['CLIENT#*', 'IDEMPOTENCY#*', 'LEAD#*'] },
        // The lead, its expiry timer, the idempotency record and the customer's link (for erasure),
        // in one transaction of Puts.
        { actions: [put], partitions: ['LEAD#*', 'IDEMPOTENCY#*', 'CUSTOMER#*'] },
        fairUse,
      ],
      queries: ['openByCustomer'],
    },
    other: [],
  },
  'list-sent-leads': {
    table: { items: [senderLookup, fairUse], queries: ['bySender'] },
    other: cursorSecret,
  },
  'get-sent-lead': { table: { items: [senderLookup, leadRead, fairUse] }, other: [] },
  'list-leads': {
    // A tab's marks or stage index, then (favorites) the leads in one BatchGetItem.
    table: {
      items: [{ actions: [batchGet], partitions: ['LEAD#*'] }, fairUse],
      queries: ['byPartner', 'byPartnerStage'],
    },
    other: cursorSecret,
  },
  'get-lead': { table: { items: [leadRead, fairUse] }, other: [] },
  'get-lead-history': { table: { items: [leadRead, fairUse] }, other: [] },
  'accept-lead': { table: leadChangeCounted, other: [] },
  'decline-lead': { table: leadChangeCounted, other: [] },
  'edit-lead': { table: leadChangeCounted, other: [] },
  'add-lead-contacts': { table: leadChangeCounted, other: [] },
  'win-lead': { table: leadChangeCounted, other: [] },
  'lose-lead': { table: leadChangeCounted, other: [] },
  // The favoritedBy set on the lead and the user's mark beside it (Put to add, Update to take it off the list).
  'favorite-lead': {
    table: { items: [{ actions: [put, update], partitions: ['LEAD#*'] }, fairUse] },
    other: [],
  },
  'unfavorite-lead': {
    table: { items: [{ actions: [put, update], partitions: ['LEAD#*'] }, fairUse] },
    other: [],
  },
  'get-profile': { table: { items: [...profileRead, fairUse] }, other: [] },
  'put-profile': {
    table: { items: [...profileRead, { actions: [update], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  // The token (read, then marked used) and the contact it confirms.
  'confirm-contact': {
    table: {
      items: [
        { actions: [get], partitions: ['CONFIRMATION#*'] },
        { actions: [update], partitions: ['CONFIRMATION#*', 'PARTNER#*'] },
      ],
    },
    other: [],
  },
  'get-insights': {
    table: { items: [{ actions: [batchGet], partitions: ['STATS#*', 'PLATFORM#*'] }, fairUse] },
    other: [],
  },
  'search-partners': {
    table: { items: [senderLookup, { actions: [query], partitions: ['SEARCH#*'] }, fairUse] },
    other: [],
  },

  // Webhooks (SPEC §9): subscriptions under PARTNER#<p> (WEBHOOK#<id> and the WEBHOOKS counter), the
  // 7-day event log WHEVENT#<p>, deliveries WHDELIVERY#<subscription>. A delete is a tombstone
  // (UpdateItem; TTL removes it), so no webhook function deletes either. Every route counts fair use.
  'create-webhook': {
    table: { items: [{ actions: [put, update], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  'list-webhooks': {
    table: { items: [{ actions: [query], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  'get-webhook': { table: { items: [{ actions: [get], partitions: ['PARTNER#*'] }, fairUse] }, other: [] },
  'change-webhook': {
    table: { items: [{ actions: [get, put], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  'delete-webhook': {
    table: { items: [{ actions: [update], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  'rotate-webhook-secret': {
    table: { items: [{ actions: [get, put], partitions: ['PARTNER#*'] }, fairUse] },
    other: [],
  },
  'test-webhook': {
    table: {
      items: [
        { actions: [get], partitions: ['PARTNER#*'] },
        { actions: [put], partitions: ['WHEVENT#*', 'WHDELIVERY#*'] },
        fairUse,
      ],
    },
    other: ['sqs:SendMessage'],
  },
  'list-webhook-deliveries': {
    table: {
      items: [
        { actions: [get], partitions: ['PARTNER#*'] },
        { actions: [query], partitions: ['WHDELIVERY#*'] },
        fairUse,
      ],
    },
    other: cursorSecret,
  },
  'retry-webhook-delivery': {
    table: {
      items: [
        { actions: [get], partitions: ['PARTNER#*', 'WHDELIVERY#*'] },
        { actions: [update], partitions: ['WHDELIVERY#*'] },
        fairUse,
      ],
    },
    other: ['sqs:SendMessage'],
  },
  'replay-webhook': {
    table: {
      items: [
        { actions: [get], partitions: ['PARTNER#*'] },
        { actions: [query], partitions: ['WHEVENT#*'] },
        { actions: [put, update], partitions: ['WHDELIVERY#*'] },
        fairUse,
      ],
    },
    other: ['sqs:SendMessage'],
  },
  // The sender routes' Lambda authorizer: the pool's public keys come over HTTPS, nothing from the table.
  'sender-authorizer': { table: {}, other: [] },

  // Stream consumers, queue consumers and the schedule.
  archiver: { table: leadChange, other: streamReader },
  reconciler: {
    table: {
      items: [
        { actions: [get, update], partitions: ['LEAD#*'] },
        // Whether a reminder's email is settled: its marker.
        { actions: [get], partitions: ['EMAIL#*'] },
        // Retention erasure: the decline email's marker names the customer; the customer's links
        // are left to TTL (README "Personal data").
        { actions: [update], partitions: ['EMAIL#*', 'CUSTOMER#*'] },
        // ... and the bodies of the lead's webhook events, kept seven days for replay.
        { actions: [query, update], partitions: ['WHEVENT#*'] },
      ],
      queries: ['dueForExpiry', 'dueForReminder', 'dueForErasure'],
    },
    other: [],
  },
  notifier: {
    table: {
      items: [
        // Profiles and contacts; senders for the expiry email; suppressions.
        { actions: [get, query], partitions: ['PARTNER#*'] },
        { actions: [get], partitions: ['SENDER#*'] },
        { actions: [batchGet], partitions: ['SUPPRESSED#*'] },
        // A contact's confirmation request and token; a reminder settled without an email.
        { actions: [put], partitions: ['PARTNER#*', 'CONFIRMATION#*', 'EMAIL#*'] },
        { actions: [update], partitions: ['PARTNER#*'] },
      ],
    },
    other: [...streamReader, 'sqs:SendMessage'],
  },
  // The exactly-once markers only: BatchGetItem before sending, BatchWriteItem after.
  'email-sender': {
    table: { items: [{ actions: [batchGet, batchWrite], partitions: ['EMAIL#*'] }] },
    other: [...queueConsumer, 'ses:SendEmail'],
  },
  'ses-events': {
    table: { items: [{ actions: [update], partitions: ['SUPPRESSED#*'] }] },
    other: queueConsumer,
  },
  // Conditional Puts of COUNTED# markers and ADDs to month aggregates, in transactions.
  'insights-aggregator': {
    table: { items: [{ actions: [put, update], partitions: ['COUNTED#*', 'STATS#*', 'PLATFORM#*'] }] },
    other: streamReader,
  },
  // A lead change: the partner's subscriptions, then its event and deliveries (one transaction of Puts).
  'webhook-events': {
    table: {
      items: [
        { actions: [query], partitions: ['PARTNER#*'] },
        { actions: [put], partitions: ['WHEVENT#*', 'WHDELIVERY#*'] },
      ],
    },
    other: [...streamReader, 'sqs:SendMessage'],
  },
  // A batch's subscriptions, deliveries and events in one read; the attempts' records (a transaction
  // of Updates); the subscription's health; the profile, contacts and suppressions for the email.
  'webhook-sender': {
    table: {
      items: [
        { actions: [batchGet], partitions: ['PARTNER#*', 'WHDELIVERY#*', 'WHEVENT#*', 'SUPPRESSED#*'] },
        { actions: [update], partitions: ['PARTNER#*', 'WHDELIVERY#*'] },
        { actions: [get, query], partitions: ['PARTNER#*'] },
      ],
    },
    other: [...queueConsumer, 'sqs:SendMessage'],
  },
  // Reads months and cards, updates cards, rewrites its own index items.
  'search-indexer': {
    table: {
      items: [
        { actions: [batchGet], partitions: ['STATS#*', 'SEARCH#*'] },
        { actions: [update, batchWrite], partitions: ['SEARCH#*'] },
      ],
    },
    other: streamReader,
  },
} satisfies Record<string, FunctionGrants>;

const byName = new Map<string, FunctionGrants>(Object.entries(functionGrants));

/** The grants of a function by its folder name; a function missing here is a synth error. */
export function grantsOf(name: string): FunctionGrants {
  const grants = byName.get(name);
  if (!grants) {
    throw new Error(`lib/function-grants.ts lists no grants for function ${name}: add what its code uses`);
  }
  return grants;
}
