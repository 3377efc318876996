/**
 * A lead as a table item and back: the item carries the lead's keys and index attributes for its
 * stage, and favorites as a string set; reading it back strips every storage attribute the table
 * definition names, so no key leaks into a `Lead`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { customerMatchKey } from '../../domain/duplicates.js';
import { type Lead, leadSchema, tabOf } from '../../domain/lead.js';
import { leadIndexKeys, leadKey } from './keys.js';
import { storageAttributes } from './table-definition.js';

export type Item = Record<string, unknown>;

export function toItem(lead: Lead): Item {
  const { favoritedBy, ...rest } = lead;
  return {
    ...leadKey(lead.id),
    ...leadIndexKeys({
      ...lead,
      tab: tabOf(lead.type),
      senderId: lead.sender.id,
      customerMatch: customerMatchKey(lead.customer.email),
    }),
    entity: 'lead',
    ...rest,
    ...(favoritedBy && favoritedBy.length > 0 ? { favoritedBy: new Set(favoritedBy) } : {}),
  };
}

/** The attributes of an item that are not storage attributes (keys, index keys, the type tag). */
export function withoutStorageAttributes(item: Item): Item {
  const data: Item = {};
  for (const [key, value] of Object.entries(item)) if (!storageAttributes.has(key)) data[key] = value;
  return data;
}

/** A lead item (from a read, a write's return values or a stream image) as the domain's `Lead`. */
export function fromItem(item: Item): Lead {
  const lead = withoutStorageAttributes(item);
  if (item.favoritedBy instanceof Set) lead.favoritedBy = [...(item.favoritedBy as Set<string>)];
  // Parsed, not cast: an item that is not a lead is a bug to surface here, not three calls later.
  return leadSchema.parse(lead);
}

/** Items on errors come back in wire format: lib-dynamodb only translates successful outputs. */
export const plain = (item: Record<string, AttributeValue> | undefined): Item | undefined =>
  item ? unmarshall(item, { convertWithoutMapWrapper: false }) : undefined;
