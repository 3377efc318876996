/** DynamoDB stream records as Lambda delivers them, built from items. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
const image = (item: Record<string, unknown> | undefined) =>
  item ? (marshall(item, { removeUndefinedValues: true }) as unknown as Image) : undefined;

let sequence = 100;

export function streamRecord(options: {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldItem?: Record<string, unknown>;
  newItem?: Record<string, unknown>;
  ttl?: boolean;
  sequenceNumber?: string;
}): DynamoDBRecord {
  const item = (options.newItem ?? options.oldItem)!;
  const keys = marshall({ pk: item.pk, sk: item.sk }) as Record<string, AttributeValue>;
  return {
    eventID: `e${sequence}`,
    eventName: options.eventName,
    eventSource: 'aws:dynamodb',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:1:table/leads/stream/x',
    dynamodb: {
      Keys: keys as unknown as Image,
      ...(options.oldItem ? { OldImage: image(options.oldItem) } : {}),
      ...(options.newItem ? { NewImage: image(options.newItem) } : {}),
      SequenceNumber: options.sequenceNumber ?? String(sequence++),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    ...(options.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  };
}
