/** Partner profiles: one item per partner, replaced whole, versioned for If-Match. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VersionMismatchError } from '../../domain/errors.js';
import type { ProfileStore } from '../../domain/ports.js';
import type { Profile, ProfileInput } from '../../domain/profile.js';
import { profileKey } from './keys.js';

const OPTIONAL_FIELDS = ['companyName', 'description'] as const;

/** The stored item as the profile, without the item's own attributes. */
function profileOf(item: Record<string, unknown>): Profile {
  const { pk: _pk, sk: _sk, entity: _entity, ...profile } = item;
  // Profiles saved before `listed` existed are listed (its default).
  return { listed: true, ...profile } as Profile;
}

export class ProfileRepository implements ProfileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(partnerId: string): Promise<Profile | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(partnerId) }),
    );
    return Item ? profileOf(Item) : undefined;
  }

  async put(partnerId: string, input: ProfileInput, now: Date, ifMatch?: number[] | 'any'): Promise<Profile> {
    const fields = { ...input, partnerId, updatedAt: now.toISOString(), entity: 'profile' };
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':one': 1, ':zero': 0 };
    const sets = Object.entries(fields).map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    // A replace: optional fields the new profile leaves out must not survive from the old one.
    const removes = OPTIONAL_FIELDS.filter((field) => input[field] === undefined).map((field, i) => {
      names[`#r${i}`] = field;
      return `#r${i}`;
    });
    let condition: string | undefined;
    if (ifMatch === 'any') condition = 'attribute_exists(pk)';
    else if (ifMatch !== undefined) {
      const known = ifMatch.filter((v) => v > 0);
      const clauses = known.map((v, i) => {
        values[`:expected${i}`] = v;
        return `#version = :expected${i}`;
      });
      if (ifMatch.includes(0)) clauses.push('attribute_not_exists(pk)');
      // A header that names no version at all can never match.
      condition =
        clauses.length > 0 ? clauses.join(' OR ') : 'attribute_not_exists(pk) AND attribute_exists(pk)';
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: profileKey(partnerId),
          UpdateExpression: `SET ${sets.join(', ')}, #version = if_not_exists(#version, :zero) + :one${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(condition ? { ConditionExpression: condition } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return profileOf(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionMismatchError('profile');
      throw error;
    }
  }
}
