/**
 * A lead as a table item and back: the item carries the lead's keys and index attributes for its
 * stage, and favorites as a string set; reading it back keeps only the lead's own fields, so no
 * key leaks into a `Lead`.
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

/**
 * A lead item (from a read, a write's return values or a stream image) as the domain's `Lead`.
 * Parsed, not cast: an item that is not a lead is a bug to surface here, not three calls later.
 * The stored-lead schema checks the shape only (its content passed the input rules on the way in)
 * and drops what it does not know, the storage attributes included.
 */
export const fromItem = (item: Item): Lead => parseLeadItem(item, leadSchema);

/** A lead item parsed with `schema`: `validLeadSchema` for a reader that checks every input rule again. */
export function parseLeadItem(item: Item, schema: typeof leadSchema): Lead {
  const favorites = item.favoritedBy;
  return schema.parse(favorites instanceof Set ? { ...item, favoritedBy: [...favorites] } : item);
}

/** Items on errors come back in wire format: lib-dynamodb only translates successful outputs. */
export const plain = (item: Record<string, AttributeValue> | undefined): Item | undefined =>
  item ? unmarshall(item, { convertWithoutMapWrapper: false }) : undefined;
