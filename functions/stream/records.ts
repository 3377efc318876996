/** Reading DynamoDB stream records as domain objects. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { fromItem } from '../adapters/dynamodb/lead-items.js';
import type { Lead } from '../domain/lead.js';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

export const itemOf = (image: Image | undefined): Record<string, unknown> | undefined =>
  image ? unmarshall(image as unknown as Record<string, AttributeValue>) : undefined;

export function leadImages(record: DynamoDBRecord): { previous?: Lead; current?: Lead } {
  const previous = itemOf(record.dynamodb?.OldImage);
  const current = itemOf(record.dynamodb?.NewImage);
  return {
    ...(previous?.entity === 'lead' ? { previous: fromItem(previous) } : {}),
    ...(current?.entity === 'lead' ? { current: fromItem(current) } : {}),
  };
}

/** A deletion by DynamoDB's TTL process, not by a user or a function (SPEC §5). */
export const isTtlDeletion = (record: DynamoDBRecord): boolean =>
  record.eventName === 'REMOVE' &&
  record.userIdentity?.type === 'Service' &&
  record.userIdentity?.principalId === 'dynamodb.amazonaws.com';
