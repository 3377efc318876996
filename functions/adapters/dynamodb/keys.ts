/**
 * Every key of the single table, with the access patterns each one serves. Index names come from
 * table-definition.ts; this module is the one place that says what goes into their keys.
 *
 * | item        | pk                          | sk                  | indexes                                            |
 * |-------------|-----------------------------|---------------------|----------------------------------------------------|
 * | lead        | LEAD#<leadId>               | LEAD                | byPartnerStage PARTNER#<p>#<stage> / <tab>#<leadId> |
 * |             |                             |                     | byPartner PARTNER#<p> / <leadId>                    |
 * |             |                             |                     | bySender SENT#<senderId>#<YYYY-MM> / <leadId>       |
 * |             |                             |                     | dueForExpiry DEADLINE#<shard> / <respondBy>#<id>    |
 * |             |                             |                     |   (only while stage = received: sparse)            |
 * |             |                             |                     | dueForReminder REMIND#<shard> / <remindAt>#<id>     |
 * |             |                             |                     |   (received and not yet reminded: sparse)          |
 * | timer       | LEAD#<leadId>               | TIMER#EXPIRY        | TTL expiresAt = respondBy                          |
 * | favorite    | LEAD#<leadId>               | FAVORITE#<userSub>  | byPartnerStage FAVORITES#<p>#<userSub> / <leadId>   |
 * | idempotency | IDEMPOTENCY#<senderId>#<h>  | IDEMPOTENCY         | TTL expiresAt = created + 24 h                     |
 * | sender      | SENDER#<senderId>           | SENDER              |                                                    |
 * | sender link | CLIENT#<oauthClientId>      | SENDER              |                                                    |
 * | profile     | PARTNER#<partnerId>         | PROFILE             |                                                    |
 * | lead (cont.)|                             |                     | openByCustomer DUPS#<p>#<domain|email>             |
 * |             |                             |                     |   / <receivedAt>#<id> (received or accepted: sparse)|
 * | counted     | COUNTED#<leadId>            | <version>           | TTL 2 days: a change counted in the insights       |
 * | stats       | STATS#<partnerId>           | <YYYY-MM>           | (ADD-only aggregates of a partner's cohort month)  |
 * | platform    | PLATFORM#<0-2>              | <YYYY-MM>           | (the same for every partner, in 3 shards)          |
 * | search card | SEARCH#PARTNER#<partnerId>  | CARD                | (profile search fields + 90-day ranking snapshot)  |
 * | search item | SEARCH#TERM#<term>          | <band>#<partnerId>  | one per indexed term, term+country and country     |
 * |             | SEARCH#TERM#<term>#C#<cc>   |                     |   (band 00-20, queried descending: best first)     |
 * |             | SEARCH#LONGTERM#<sha256>... |                     |   (a term over 256 bytes encoded: hashed)          |
 * |             | SEARCH#COUNTRY#<cc>         |                     |                                                    |
 * | email sent  | EMAIL#<leadId>#<kind>       | EMAIL               | (exactly-once marker per lead and event)           |
 * | contact     | PARTNER#<partnerId>         | CONTACT#<address>   | (confirmation status of one alert address)         |
 * | confirm sent| EMAIL#confirmation#<id>     | EMAIL               | (exactly-once marker of a confirmation email)      |
 * | token       | CONFIRMATION#<sha256(token)>| CONFIRMATION        | TTL expiresAt = token expiry                       |
 * | suppressed  | SUPPRESSED#<address>        | SUPPRESSED          | (hard bounce or complaint, platform-wide)          |
 * | webhook     | PARTNER#<partnerId>         | WEBHOOK#<id>        | a subscription, with its secrets; deleted: a       |
 *             |                             |                     |   tombstone (deletedAt), TTL 7 days                |
 * | webhooks    | PARTNER#<partnerId>         | WEBHOOKS            | (how many subscriptions: the limit of 10)          |
 * | wh event    | WHEVENT#<partnerId>         | <timestamp>#<subject>| TTL 7 days: the signed body, for replay           |
 * | wh delivery | WHDELIVERY#<subscriptionId> | <deliveryId (ULID)> | TTL 7 days: status and attempt log                 |
 * | customer    | CUSTOMER#<sha256(email)>    | LEAD#<leadId>       | (a lead of this customer, platform-wide; erasure)   |
 * | lead (cont.)|                             |                     | dueForErasure ERASE#<shard> / <archivedAt>#<id>    |
 * |             |                             |                     |   (archived, contact data not yet erased: sparse)  |
 * | fair use    | FAIRUSE#<kind>:<id>#<start> | FAIRUSE             | TTL expiresAt = window end + 1 h (request counter)  |
 *
 * Access patterns:
 * - get a lead (partner, sender, any action): GetItem / conditional UpdateItem on LEAD#<id>, LEAD.
 *   Tenancy is a condition (`partnerId = :tokenPartner`), and a miss is a 404 either way.
 * - partner list by tab and stage, newest first: Query byPartnerStage PARTNER#<p>#<stage>, sk
 *   begins_with <tab># (descending; lead ids are ULIDs, so time-ordered). Several tabs or stages:
 *   one Query each, merged newest first.
 * - partner list without a stage (all leads, or one tab): Query byPartner PARTNER#<p>, descending;
 *   one tab is a filter on the lead type (the other tab's leads are read and dropped).
 * - a user's favorites: Query byPartnerStage FAVORITES#<p>#<sub>, then BatchGet the leads.
 * - a sender's sent leads, newest first: Query bySender SENT#<s>#<month of receipt>, then the month
 *   before: at most two Queries per page (month-pages.ts). A partition holds one sender's month, so a
 *   sender with millions of leads a year never grows one partition without bound.
 * - overdue received leads (reconciler): Query dueForExpiry DEADLINE#0..15 with sk < <now>.
 * - reminders due, or due a re-check (reconciler): Query dueForReminder REMIND#0..15 with sk < <now>;
 *   a reminded lead's sk moves to <recheckAt>#<id> until its email is settled.
 * - sender by OAuth client id (every sender call): GetItem CLIENT#<clientId>, SENDER.
 * - the status of a partner's alert addresses: Query PARTNER#<p> with sk begins_with CONTACT#.
 * - confirm a contact: GetItem CONFIRMATION#<sha256(token)>, then one transaction on it and the contact.
 * - is an address suppressed: BatchGet SUPPRESSED#<address>.
 * - every lead of one customer (erase on request): Query CUSTOMER#<sha256 of the lower-cased email>;
 *   the partner-scoped duplicates index cannot answer it. Erasure sets the link's TTL.
 * - leads due for retention erasure (reconciler): Query dueForErasure ERASE#<each shard> with sk < <cutoff>.
 * - fair use (every authenticated request): one conditional UpdateItem ADD on FAIRUSE#<client>#<window
 *   start>; a partition per client and window, so no client's counter shares a partition with another's.
 * - possible duplicates at intake: Query openByCustomer DUPS#<p>#<key> with sk >= <now - 30 days>.
 *   The key is the customer's email domain, or the address itself for free mail (so an exact email
 *   match always shares the partition). Archiving removes the keys, as for the received-only ones.
 * - count a lead change once (insights consumer): TransactWriteItems of a conditional Put of
 *   COUNTED#<id>/<version> per change and one ADD per touched STATS and PLATFORM month.
 * - insights for months m1..mn: one BatchGetItem of STATS#<p>/<m> and PLATFORM#0-2/<m> (4n keys).
 * - a partner's 90-day snapshot (search indexer): BatchGetItem of its 3-4 window months and its card.
 * - partner search: one Query per search term (SEARCH#TERM#<t>, or #C#<cc> with a country), or of
 *   SEARCH#COUNTRY#<cc> without keywords; descending sort key = best responsiveness band first.
 * - a partner's webhooks: Query PARTNER#<p> with sk begins_with WEBHOOK#; one: GetItem. Create and
 *   delete are a transaction with the WEBHOOKS counter (`count < 10`).
 * - a partner's events since a time (replay): Query WHEVENT#<p> with sk >= <since>, ascending.
 * - a webhook's delivery log, newest first: Query WHDELIVERY#<id> descending (sk < cursor).
 * - one delivery attempt: BatchGetItem of the webhook, the delivery and the event; one conditional
 *   UpdateItem of the delivery (its round), and of the webhook only when its health changes.
 */
import { createHash } from 'node:crypto';
import type { Stage, Tab } from '../../domain/lead.js';
import { type IndexKey, indexes } from './table-definition.js';

/**
 * Every received lead is on one of these partitions of dueForExpiry and of dueForReminder. 16 keeps
 * each under DynamoDB's 1,000 write units a second at 1,000 intakes a second (about 5 units a life
 * cycle each, measured: docs/capacity-and-cost.md); with 4 the ceiling was about 800. The
 * reconciler queries every shard, so raising it later is safe: leads already written keep their
 * lower shard number, which is still queried.
 */
export const DEADLINE_SHARDS = 16;
/** The platform's month aggregates are split this many ways, so no single item takes every update. */
export const PLATFORM_SHARDS = 3;

const shardOf = (id: string, shards: number): number =>
  createHash('sha256').update(id).digest().readUInt32BE(0) % shards;

/** The key attributes of an index, named as the table definition names them. */
export const indexKeys = (index: IndexKey, pk: string, sk: string): Record<string, string> => ({
  [indexes[index].partitionKey]: pk,
  [indexes[index].sortKey]: sk,
});

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });
/** The expiry timer's sort key: written once at intake, never updated, deleted only by TTL. */
export const TIMER_SORT_KEY = 'TIMER#EXPIRY';
export const timerKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: TIMER_SORT_KEY });
/** Every exactly-once email marker lives in a partition of its own, under this prefix. */
export const EMAIL_MARKER_PREFIX = 'EMAIL#';
export const emailMarkerKey = (id: string) => ({ pk: `${EMAIL_MARKER_PREFIX}${id}`, sk: 'EMAIL' });
/** Addresses are keyed lower-cased: mail systems treat the domain, and in practice the local part, without case. */
export const contactKey = (partnerId: string, address: string) => ({
  pk: `PARTNER#${partnerId}`,
  sk: `${CONTACT_PREFIX}${address.toLowerCase()}`,
});
export const CONTACT_PREFIX = 'CONTACT#';
export const confirmationTokenKey = (tokenHash: string) => ({
  pk: `CONFIRMATION#${tokenHash}`,
  sk: 'CONFIRMATION',
});
export const suppressionKey = (address: string) => ({
  pk: `SUPPRESSED#${address.toLowerCase()}`,
  sk: 'SUPPRESSED',
});
export const favoriteKey = (leadId: string, userSub: string) => ({
  pk: `LEAD#${leadId}`,
  sk: `FAVORITE#${userSub}`,
});
export const idempotencyKey = (senderId: string, key: string) => ({
  pk: `IDEMPOTENCY#${senderId}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'IDEMPOTENCY',
});
/** Every fair-use counter lives under this prefix (the IAM condition of the HTTP functions' counter grant). */
export const FAIR_USE_PREFIX = 'FAIRUSE#';
export const fairUseKey = (client: string, windowStart: number) => ({
  pk: `${FAIR_USE_PREFIX}${client}#${windowStart}`,
  sk: 'FAIRUSE',
});
/** A customer's email as it is keyed: trimmed, lower-cased, hashed (no address in a key). */
export const customerHash = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
export const CUSTOMER_PREFIX = 'CUSTOMER#';
export const customerPk = (email: string) => `${CUSTOMER_PREFIX}${customerHash(email)}`;
export const customerLinkKey = (email: string, leadId: string) => ({
  pk: customerPk(email),
  sk: `LEAD#${leadId}`,
});
export const erasurePk = (shard: number) => `ERASE#${shard}`;
/** The dueForErasure keys of a lead archived at `archivedAt`. */
export const erasureIndexKeys = (leadId: string, archivedAt: string) =>
  indexKeys('dueForErasure', erasurePk(shardOf(leadId, DEADLINE_SHARDS)), `${archivedAt}#${leadId}`);
export const senderKey = (senderId: string) => ({ pk: `SENDER#${senderId}`, sk: 'SENDER' });
export const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'SENDER' });
export const profileKey = (partnerId: string) => ({ pk: `PARTNER#${partnerId}`, sk: 'PROFILE' });

export const webhookKey = (partnerId: string, id: string) => ({
  pk: `PARTNER#${partnerId}`,
  sk: `${WEBHOOK_PREFIX}${id}`,
});
export const WEBHOOK_PREFIX = 'WEBHOOK#';
export const webhookCounterKey = (partnerId: string) => ({ pk: `PARTNER#${partnerId}`, sk: 'WEBHOOKS' });
export const webhookEventPk = (partnerId: string) => `WHEVENT#${partnerId}`;
export const webhookEventKey = (partnerId: string, sk: string) => ({ pk: webhookEventPk(partnerId), sk });
export const webhookDeliveryPk = (subscriptionId: string) => `WHDELIVERY#${subscriptionId}`;
export const webhookDeliveryKey = (subscriptionId: string, deliveryId: string) => ({
  pk: webhookDeliveryPk(subscriptionId),
  sk: deliveryId,
});

export const partnerStagePk = (partnerId: string, stage: Stage) => `PARTNER#${partnerId}#${stage}`;
export const partnerTabPrefix = (tab: Tab) => `${tab}#`;
export const partnerAllPk = (partnerId: string) => `PARTNER#${partnerId}`;
export const favoritesPk = (partnerId: string, userSub: string) => `FAVORITES#${partnerId}#${userSub}`;
/** A sender's leads received in one calendar month (`YYYY-MM`, UTC). */
export const sentPk = (senderId: string, month: string) => `SENT#${senderId}#${month}`;
export const deadlinePk = (shard: number) => `DEADLINE#${shard}`;
export const reminderPk = (shard: number) => `REMIND#${shard}`;

/** A user's favorite mark on a lead, listed on byPartnerStage under the user's own partition. */
export const favoriteIndexKeys = (partnerId: string, userSub: string, leadId: string) =>
  indexKeys('byPartnerStage', favoritesPk(partnerId, userSub), leadId);

/** The byPartnerStage keys of a lead in a stage. */
export const partnerStageIndexKeys = (lead: { id: string; partnerId: string; stage: Stage; tab: Tab }) =>
  indexKeys(
    'byPartnerStage',
    partnerStagePk(lead.partnerId, lead.stage),
    `${partnerTabPrefix(lead.tab)}${lead.id}`,
  );

/** Where a customer's possible duplicates are listed for a partner (see customerMatchKey). */
export const openByCustomerPk = (partnerId: string, match: { kind: string; value: string }) =>
  `DUPS#${partnerId}#${match.kind}#${match.value}`;
export const openByCustomerSk = (receivedAt: string, leadId: string) => `${receivedAt}#${leadId}`;

export const countedKey = (leadId: string, version: number) => ({
  pk: `COUNTED#${leadId}`,
  sk: String(version),
});
export const statsKey = (partnerId: string, month: string) => ({ pk: `STATS#${partnerId}`, sk: month });
export const platformStatsKey = (shard: number, month: string) => ({ pk: `PLATFORM#${shard}`, sk: month });
/** The partner of a STATS item key. */
export const partnerOfStatsPk = (pk: string): string | undefined =>
  pk.startsWith('STATS#') ? pk.slice('STATS#'.length) : undefined;

export const searchCardKey = (partnerId: string) => ({ pk: `SEARCH#PARTNER#${partnerId}`, sk: 'CARD' });
/**
 * The longest encoded term a key spells out. A 60-character keyword can grow 18 times under NFKD
 * (U+FDFA) and 9 times again under percent-encoding, far past DynamoDB's 2,048-byte partition key:
 * longer terms are keyed by their SHA-256 instead, under a prefix no spelled-out term can take.
 */
export const MAX_SPELLED_TERM_BYTES = 256;
/** Terms may hold `#` (C#): encoded, so a key never reads as another. */
const term = (t: string) => {
  const encoded = encodeURIComponent(t);
  return encoded.length <= MAX_SPELLED_TERM_BYTES
    ? `TERM#${encoded}`
    : `LONGTERM#${createHash('sha256').update(t).digest('base64url')}`;
};
export const searchTermPk = (t: string, country?: string) =>
  country === undefined ? `SEARCH#${term(t)}` : `SEARCH#${term(t)}#C#${country}`;
export const searchCountryPk = (country: string) => `SEARCH#COUNTRY#${country}`;
/** Best band first when queried descending; the partner id keeps one item per partner per partition. */
export const searchSk = (band: number, partnerId: string) => `${String(band).padStart(2, '0')}#${partnerId}`;

/** The index attributes a lead item carries for its current stage. */
export function leadIndexKeys(lead: {
  id: string;
  partnerId: string;
  stage: Stage;
  tab: Tab;
  senderId: string;
  receivedAt: string;
  respondBy: string;
  customerMatch: { kind: string; value: string };
  remindAt?: string | null;
  archivedAt?: string | null;
  erasedAt?: string;
}): Record<string, string> {
  const received = lead.stage === 'received';
  const deadlineShard = shardOf(lead.id, DEADLINE_SHARDS);
  return {
    ...partnerStageIndexKeys(lead),
    ...indexKeys('byPartner', partnerAllPk(lead.partnerId), lead.id),
    ...indexKeys('bySender', sentPk(lead.senderId, lead.receivedAt.slice(0, 7)), lead.id),
    ...(received ? indexKeys('dueForExpiry', deadlinePk(deadlineShard), `${lead.respondBy}#${lead.id}`) : {}),
    ...(received && lead.remindAt
      ? indexKeys('dueForReminder', reminderPk(deadlineShard), `${lead.remindAt}#${lead.id}`)
      : {}),
    ...(lead.stage !== 'archived'
      ? indexKeys(
          'openByCustomer',
          openByCustomerPk(lead.partnerId, lead.customerMatch),
          openByCustomerSk(lead.receivedAt, lead.id),
        )
      : {}),
    ...(lead.stage === 'archived' && lead.archivedAt && !lead.erasedAt
      ? erasureIndexKeys(lead.id, lead.archivedAt)
      : {}),
  };
}

/** The index attributes a lead leaves behind when it stops being received (both sparse indexes). */
export const receivedOnlyAttributes = (['dueForExpiry', 'dueForReminder'] as const).flatMap((i) => [
  indexes[i].partitionKey,
  indexes[i].sortKey,
]);

/** The index attributes of a lead that still holds customer contact data (erasure removes them). */
export const erasableAttributes = (['openByCustomer', 'dueForErasure'] as const).flatMap((i) => [
  indexes[i].partitionKey,
  indexes[i].sortKey,
]);

/** The index attributes a lead leaves behind when it is archived (no longer a possible duplicate). */
export const openOnlyAttributes = [indexes.openByCustomer.partitionKey, indexes.openByCustomer.sortKey];

/** The lead id at the end of any lead-ordered sort key (`<tab>#<id>`, `<respondBy>#<id>` or `<id>`). */
export const idFromSortKey = (sk: string): string => sk.slice(sk.lastIndexOf('#') + 1);
