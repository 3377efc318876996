/**
 * The local IAM check: what lib/function-grants.ts allows a function goes through to DynamoDB,
 * anything else is refused before it leaves the process, as IAM would refuse it on AWS.
 */
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { asFunction, enforceGrants } from '../../local/iam-check.js';

// Nothing listens on port 9: a request the check lets through fails to connect instead.
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);
const refused: string[] = [];
enforceGrants(db, (line) => refused.push(line));
const TableName = 'partner-referrals-local';

/** The error's name: AccessDeniedException when the check refused, a network error when it let it through. */
async function outcome(fn: string, send: () => Promise<unknown>): Promise<string> {
  try {
    await asFunction(fn, send);
    return 'sent';
  } catch (error) {
    return (error as Error).name === 'AccessDeniedException' ? 'denied' : 'allowed';
  }
}

describe('local IAM check', () => {
  it('lets a read route get a lead, and nothing else', async () => {
    const get = (pk: string) => () => db.send(new GetCommand({ TableName, Key: { pk, sk: 'LEAD' } }));
    expect(await outcome('get-lead', get('LEAD#01J0000000000000000000000A'))).toBe('allowed');
    expect(await outcome('get-lead', get('PARTNER#contoso'))).toBe('denied');
    const update = () =>
      db.send(
        new UpdateCommand({
          TableName,
          Key: { pk: 'LEAD#x', sk: 'LEAD' },
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      );
    expect(await outcome('get-lead', update)).toBe('denied');
    expect(refused.at(-1)).toContain('get-lead is not allowed dynamodb:UpdateItem on LEAD#x');
  });

  it('lets a function query only its own indexes, and the table only in its partitions', async () => {
    const byIndex = (IndexName: string) => () =>
      db.send(
        new QueryCommand({
          TableName,
          IndexName,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': 'x' },
        }),
      );
    expect(await outcome('list-sent-leads', byIndex('bySender'))).toBe('allowed');
    expect(await outcome('list-sent-leads', byIndex('byPartner'))).toBe('denied');
    const onTable = (pk: string) => () =>
      db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': pk },
        }),
      );
    expect(await outcome('search-partners', onTable('SEARCH#TERM#azure'))).toBe('allowed');
    expect(await outcome('search-partners', onTable('LEAD#x'))).toBe('denied');
  });

  it('checks each action of a transaction, and every key of a batch', async () => {
    const unfavoriteByDelete = () =>
      db.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName, Key: { pk: 'LEAD#x', sk: 'FAVORITE#u' } } }],
        }),
      );
    expect(await outcome('unfavorite-lead', unfavoriteByDelete)).toBe('denied');
    const batch = (pks: string[]) => () =>
      db.send(
        new BatchGetItemCommand({
          RequestItems: { [TableName]: { Keys: pks.map((pk) => ({ pk: { S: pk }, sk: { S: 'x' } })) } },
        }),
      );
    expect(await outcome('get-insights', batch(['STATS#contoso', 'PLATFORM#3']))).toBe('allowed');
    expect(await outcome('get-insights', batch(['STATS#contoso', 'LEAD#x']))).toBe('denied');
  });

  it('refuses a Scan to every function', async () => {
    expect(await outcome('reconciler', () => db.send(new ScanCommand({ TableName })))).toBe('denied');
  });

  it('leaves requests outside any function alone (table set-up)', async () => {
    await expect(db.send(new ScanCommand({ TableName }))).rejects.not.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});
