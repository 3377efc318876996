/** Reading DynamoDB stream records as domain objects, parsed with their schemas. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { parseLeadItem, withoutStorageAttributes } from '../adapters/dynamodb/lead-items.js';
import { type Lead, leadIdSchema, leadSchema, slugSchema } from '../domain/lead.js';
import { type Profile, profileSchema } from '../domain/profile.js';
import { pureSchema } from '../domain/schema-building.js';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

// The one cast left on the stream path: aws-lambda types an image's attribute as one interface of
// optional members, the SDK as a union of one-member objects; both describe the same wire JSON, and
// what comes out of unmarshall is parsed with a schema before anything reads it.
export const itemOf = (image: Image | undefined): Record<string, unknown> | undefined =>
  image ? unmarshall(image as unknown as Record<string, AttributeValue>) : undefined;

/**
 * The lead before and after a change, parsed with the stored-lead schema, or `schema` (an image
 * that is not a lead fails, as a batch item failure).
 */
export function leadImages(
  record: DynamoDBRecord,
  schema: typeof leadSchema = leadSchema,
): { previous?: Lead; current?: Lead } {
  const previous = itemOf(record.dynamodb?.OldImage);
  const current = itemOf(record.dynamodb?.NewImage);
  return {
    ...(previous?.entity === 'lead' ? { previous: parseLeadItem(previous, schema) } : {}),
    ...(current?.entity === 'lead' ? { current: parseLeadItem(current, schema) } : {}),
  };
}

/** The profile a record saved, if it is a profile's insert or change. */
export function profileImage(record: DynamoDBRecord): Profile | undefined {
  const current = itemOf(record.dynamodb?.NewImage);
  return current?.entity === 'profile' ? profileSchema.parse(withoutStorageAttributes(current)) : undefined;
}

/**
 * Whether a lead record is a change of the lead itself (an insert, or a write that bumped its
 * version). Bookkeeping on the lead item (favorites, the reminder's index entry) leaves the
 * version alone, and consumers that count lead changes must skip it.
 */
export function isLeadChange(record: DynamoDBRecord): boolean {
  if (record.eventName !== 'MODIFY') return record.eventName === 'INSERT';
  const { previous, current } = leadImages(record);
  return previous !== undefined && current !== undefined && previous.version !== current.version;
}

/**
 * A key as logs may show it: contact and suppression keys embed an email address, which is
 * replaced (`CONTACT#<address>`); every other key holds only ids.
 */
export const loggableKey = (key: string | undefined) =>
  key?.includes('@') ? `${key.slice(0, key.indexOf('#') + 1)}<address>` : key;

/** What identifies a record in the logs: its position in the stream and its table keys, never an image. */
export const recordKeys = (record: DynamoDBRecord) => ({
  eventID: record.eventID,
  eventName: record.eventName,
  sequenceNumber: record.dynamodb?.SequenceNumber,
  pk: loggableKey(record.dynamodb?.Keys?.pk?.S),
  sk: loggableKey(record.dynamodb?.Keys?.sk?.S),
});

/** The expiry timer of a received lead, as the archiver reads it from a TTL deletion. */
const timerSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    entity: z.literal('timer'),
    leadId: leadIdSchema,
    partnerId: slugSchema,
    respondBy: z.iso.datetime(),
  }),
);
export type Timer = z.infer<typeof timerSchema>;

/** The expiry timer an image holds; `undefined` for any other item. */
export function timerOf(image: Image | undefined): Timer | undefined {
  const item = itemOf(image);
  return item?.entity === 'timer' ? timerSchema.parse(item) : undefined;
}

/** A deletion by DynamoDB's TTL process, not by a user or a function (SPEC §5). */
export const isTtlDeletion = (record: DynamoDBRecord): boolean =>
  record.eventName === 'REMOVE' &&
  record.userIdentity?.type === 'Service' &&
  record.userIdentity?.principalId === 'dynamodb.amazonaws.com';
