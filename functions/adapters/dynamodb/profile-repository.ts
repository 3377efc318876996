/** Partner profiles: one item per partner, replaced whole, versioned for If-Match. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VersionMismatchError } from '../../domain/errors.js';
import { emptyProfile, type Profile, type ProfileInput } from '../../domain/profile.js';
import { profileKey } from './keys.js';

export class ProfileRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(partnerId: string): Promise<Profile | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(partnerId) }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...profile } = Item;
    return profile as Profile;
  }

  async getOrEmpty(partnerId: string): Promise<Profile> {
    return (await this.get(partnerId)) ?? emptyProfile(partnerId);
  }

  /**
   * Replaces the profile in one write; with `ifMatch`, only if it is at one of those versions
   * (0: never saved) or, for `'any'`, only if it was saved before.
   */
  async put(partnerId: string, input: ProfileInput, now: Date, ifMatch?: number[] | 'any'): Promise<Profile> {
    const fields = { ...input, partnerId, updatedAt: now.toISOString(), entity: 'profile' };
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':one': 1, ':zero': 0 };
    const sets = Object.entries(fields).map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
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
          UpdateExpression: `SET ${sets.join(', ')}, #version = if_not_exists(#version, :zero) + :one`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(condition ? { ConditionExpression: condition } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _pk, sk: _sk, entity: _entity, ...profile } = Attributes ?? {};
      return profile as Profile;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionMismatchError('profile');
      throw error;
    }
  }
}
