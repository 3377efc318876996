/**
 * Every key and index of the single table, with the access patterns each one serves.
 *
 * | item        | pk                          | sk                  | indexes                                          |
 * |-------------|-----------------------------|---------------------|--------------------------------------------------|
 * | lead        | LEAD#<leadId>               | LEAD                | gsi1 PARTNER#<p>#<stage> / <tab>#<leadId>        |
 * |             |                             |                     | gsi5 PARTNER#<p> / <leadId>                      |
 * |             |                             |                     | gsi2 SENT#<senderId>#<shard> / <leadId>          |
 * |             |                             |                     | gsi3 DEADLINE#<shard> / <respondBy>#<leadId>     |
 * |             |                             |                     |   (only while stage = received: sparse)          |
 * |             |                             |                     | gsi4 REMIND#<shard> / <remindAt>#<leadId>        |
 * |             |                             |                     |   (received and not yet reminded: sparse)        |
 * | timer       | LEAD#<leadId>               | TIMER#EXPIRY        | TTL expiresAt = respondBy                        |
 * | favorite    | LEAD#<leadId>               | FAVORITE#<userSub>  | gsi1 FAVORITES#<p>#<userSub> / <leadId>          |
 * | idempotency | IDEMPOTENCY#<senderId>#<h>  | IDEMPOTENCY         | TTL expiresAt = created + 24 h                   |
 * | sender      | SENDER#<senderId>           | SENDER              |                                                  |
 * | sender link | CLIENT#<oauthClientId>      | SENDER              |                                                  |
 * | profile     | PARTNER#<partnerId>         | PROFILE             |                                                  |
 * | email sent  | LEAD#<leadId>               | NOTIFIED#<kind>     | (exactly-once marker per lead and event)         |
 *
 * Access patterns:
 * - get a lead (partner, sender, any action): GetItem / conditional UpdateItem on LEAD#<id>, LEAD.
 *   Tenancy is a condition (`partnerId = :tokenPartner`), and a miss is a 404 either way.
 * - partner list by tab and stage, newest first: Query gsi1 PARTNER#<p>#<stage>, sk begins_with
 *   <tab># (descending; lead ids are ULIDs, so time-ordered). Several tabs or stages: one Query
 *   each, merged newest first.
 * - partner list without a stage (all leads, or one tab): Query gsi5 PARTNER#<p>, descending;
 *   one tab is a filter on the lead type (the other tab's leads are read and dropped).
 * - a user's favorites: Query gsi1 FAVORITES#<p>#<sub>, then BatchGet the leads.
 * - a sender's sent leads, newest first: Query gsi2 SENT#<s>#0..7, merged. Eight shards keep a
 *   sender that sends millions of leads a year off a single partition.
 * - overdue received leads (reconciler): Query gsi3 DEADLINE#0..3 with sk < <now>.
 * - reminders due (reconciler): Query gsi4 REMIND#0..3 with sk < <now>.
 * - sender by OAuth client id (every sender call): GetItem CLIENT#<clientId>, SENDER.
 */
import { createHash } from 'node:crypto';
import type { Stage, Tab } from '../../domain/lead.js';

export const SENT_SHARDS = 8;
export const DEADLINE_SHARDS = 4;

const shardOf = (id: string, shards: number): number =>
  createHash('sha256').update(id).digest().readUInt32BE(0) % shards;

export const leadKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'LEAD' });
export const timerKey = (leadId: string) => ({ pk: `LEAD#${leadId}`, sk: 'TIMER#EXPIRY' });
export const notifiedKey = (leadId: string, kind: string) => ({
  pk: `LEAD#${leadId}`,
  sk: `NOTIFIED#${kind}`,
});
export const favoriteKey = (leadId: string, userSub: string) => ({
  pk: `LEAD#${leadId}`,
  sk: `FAVORITE#${userSub}`,
});
export const idempotencyKey = (senderId: string, key: string) => ({
  pk: `IDEMPOTENCY#${senderId}#${createHash('sha256').update(key).digest('base64url')}`,
  sk: 'IDEMPOTENCY',
});
export const senderKey = (senderId: string) => ({ pk: `SENDER#${senderId}`, sk: 'SENDER' });
export const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'SENDER' });

export const partnerStagePk = (partnerId: string, stage: Stage) => `PARTNER#${partnerId}#${stage}`;
export const partnerTabPrefix = (tab: Tab) => `${tab}#`;
export const partnerAllPk = (partnerId: string) => `PARTNER#${partnerId}`;
export const favoritesPk = (partnerId: string, userSub: string) => `FAVORITES#${partnerId}#${userSub}`;
export const sentPk = (senderId: string, shard: number) => `SENT#${senderId}#${shard}`;
export const deadlinePk = (shard: number) => `DEADLINE#${shard}`;
export const reminderPk = (shard: number) => `REMIND#${shard}`;
export const profileKey = (partnerId: string) => ({ pk: `PARTNER#${partnerId}`, sk: 'PROFILE' });

/** The index attributes a lead item carries for its current stage. */
export function leadIndexKeys(lead: {
  id: string;
  partnerId: string;
  stage: Stage;
  tab: Tab;
  senderId: string;
  respondBy: string;
  remindAt?: string | null;
  remindedAt?: string;
}) {
  const received = lead.stage === 'received';
  const deadlineShard = shardOf(lead.id, DEADLINE_SHARDS);
  return {
    gsi1pk: partnerStagePk(lead.partnerId, lead.stage),
    gsi1sk: `${partnerTabPrefix(lead.tab)}${lead.id}`,
    gsi5pk: partnerAllPk(lead.partnerId),
    gsi5sk: lead.id,
    gsi2pk: sentPk(lead.senderId, shardOf(lead.id, SENT_SHARDS)),
    gsi2sk: lead.id,
    ...(received ? { gsi3pk: deadlinePk(deadlineShard), gsi3sk: `${lead.respondBy}#${lead.id}` } : {}),
    ...(received && lead.remindAt && !lead.remindedAt
      ? { gsi4pk: reminderPk(deadlineShard), gsi4sk: `${lead.remindAt}#${lead.id}` }
      : {}),
  };
}

/** The lead id at the end of any gsi1/gsi2 sort key (`<tab>#<id>` or `<id>`). */
export const idFromSortKey = (sk: string): string => sk.slice(sk.lastIndexOf('#') + 1);
