/**
 * The insights aggregator, the search indexer and the insights and search routes against a mocked
 * DynamoDB: what they send, that a change redelivered counts once, that a failed batch is reported
 * from its first uncounted record, and that requests stay bounded.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { groupsOf, MAX_FIGURES } from '../../functions/adapters/dynamodb/insights-store.js';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { ProfileRepository } from '../../functions/adapters/dynamodb/profile-repository.js';
import { indexItemsOf, rankingKeyOf } from '../../functions/adapters/dynamodb/search-index.js';
import { figure } from '../../functions/domain/insights.js';
import { neutralSnapshot, rankingSnapshot } from '../../functions/domain/ranking.js';
import { apiEvent, call, partnerClaims, senderClaims } from '../support/events.js';
import { commands, received, run } from '../support/leads.js';
import { streamRecord } from '../support/streams.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // Fair use off: these tests count each handler's own commands (test/unit/fair-use.test.ts counts requests).
  FAIR_USE_SENDER_LIMIT: '0',
  FAIR_USE_PARTNER_LIMIT: '0',
});
const ddb = mockClient(DynamoDBDocumentClient);
const { handler: aggregator } = await import('../../functions/insights-aggregator/handler.js');
const { handler: indexer } = await import('../../functions/search-indexer/handler.js');
const { handler: getInsights } = await import('../../functions/get-insights/handler.js');
const { handler: searchPartners } = await import('../../functions/search-partners/handler.js');
const context = { awsRequestId: 'r', functionName: 'aggregator' } as Context;

beforeEach(() => ddb.reset());

const lead = received();
const accepted = run(lead, commands.accept);
const won = run(accepted, commands.won);
const events = (...records: DynamoDBStreamEvent['Records']): DynamoDBStreamEvent => ({ Records: records });
const insert = () => streamRecord({ eventName: 'INSERT', newItem: toItem(lead), sequenceNumber: '1' });
const accept = () =>
  streamRecord({
    eventName: 'MODIFY',
    oldItem: toItem(lead),
    newItem: toItem(accepted),
    sequenceNumber: '2',
  });
const favorite = () =>
  streamRecord({
    eventName: 'MODIFY',
    oldItem: toItem(accepted),
    newItem: toItem({ ...accepted, favoritedBy: ['u1'] }),
    sequenceNumber: '3',
  });
const win = () =>
  streamRecord({ eventName: 'MODIFY', oldItem: toItem(accepted), newItem: toItem(won), sequenceNumber: '4' });

const transactions = () =>
  ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
const puts = (items: TransactItems) => items.flatMap((i) => (i.Put ? [i.Put.Item] : []));
const updates = (items: TransactItems) => items.flatMap((i) => (i.Update ? [i.Update] : []));
/** The figures an Update adds, by attribute name. */
const added = (update: NonNullable<TransactItems[number]['Update']>) => {
  const out: Record<string, unknown> = {};
  for (const term of update.UpdateExpression!.replace(/^ADD /, '').split(', ')) {
    const [name, value] = term.split(' ');
    const v = update.ExpressionAttributeValues![value!];
    out[update.ExpressionAttributeNames![name!]!] =
      typeof v === 'object' && v !== null ? String((v as { value: string }).value) : v;
  }
  return out;
};

describe('insights aggregator', () => {
  it('counts a batch in one transaction: a marker per change, one ADD per partner month and platform month', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const response = await aggregator(events(insert(), accept(), favorite(), win()), context);
    expect(response.batchItemFailures).toEqual([]);
    const [items] = transactions();
    expect(transactions()).toHaveLength(1);
    // The favorite keeps the version: not a change that counts.
    expect(puts(items!).map((p) => [p!.pk, p!.sk])).toEqual([
      [`COUNTED#${lead.id}`, '1'],
      [`COUNTED#${lead.id}`, '2'],
      [`COUNTED#${lead.id}`, '3'],
    ]);
    expect(puts(items!)[0]!.expiresAt).toEqual(expect.any(Number));
    const [partner, platform] = updates(items!);
    expect(partner!.Key).toEqual({ pk: 'STATS#contoso', sk: '2026-11' });
    expect(platform!.Key!.pk).toMatch(/^PLATFORM#[0-2]$/);
    // Received, then accepted, then won: the merged deltas are what the won lead contributes.
    expect(added(partner!)).toMatchObject({
      [figure.count('customer-inquiry', 'received')]: 1,
      [figure.count('customer-inquiry', 'accepted')]: 1,
      [figure.count('customer-inquiry', 'won')]: 1,
      [figure.within24h]: 1,
      'won:EUR': '120000',
    });
    expect(added(partner!)).not.toHaveProperty('pipeline:EUR');
    expect(added(partner!)).not.toHaveProperty(figure.count('customer-inquiry', 'open'));
    expect(added(platform!)).not.toHaveProperty('won:EUR');
  });

  it('counts a redelivered change once: its marker cancels the transaction and the rest is retried', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [
            { Code: 'ConditionalCheckFailed' },
            { Code: 'None' },
            { Code: 'None' },
            { Code: 'None' },
          ],
        }),
      )
      .resolves({});
    const response = await aggregator(events(insert(), accept()), context);
    expect(response.batchItemFailures).toEqual([]);
    const [first, second] = transactions();
    expect(puts(first!)).toHaveLength(2);
    expect(puts(second!).map((p) => p!.sk)).toEqual(['2']);
    // Only the accept's delta this time: open -1, accepted +1.
    expect(added(updates(second!)[0]!)).toMatchObject({
      [figure.count('customer-inquiry', 'open')]: -1,
      [figure.count('customer-inquiry', 'accepted')]: 1,
    });
    expect(added(updates(second!)[0]!)).not.toHaveProperty(figure.count('customer-inquiry', 'received'));
  });

  it('reports every record from the first uncounted one when counting keeps failing', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));
    const response = await aggregator(events(favorite(), accept(), win()), context);
    // The favorite before them counted nothing and needs no retry.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['2', '4']);
  });

  it('keeps each transaction within 100 actions', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const records = Array.from({ length: 150 }, (_, i) => {
      const l = { ...received({ partnerId: `p${i % 40}` }), id: `01JD${String(i).padStart(22, '0')}` };
      return streamRecord({ eventName: 'INSERT', newItem: toItem(l), sequenceNumber: String(i + 10) });
    });
    await aggregator(events(...records), context);
    const sizes = transactions().map((t) => t.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.length).toBeGreaterThan(1);
    expect(transactions().flatMap(puts)).toHaveLength(150);
  });
});

describe('transaction groups', () => {
  it('keep every ADD within MAX_FIGURES figures, however varied the response times', () => {
    const changes = Array.from({ length: 400 }, (_, i) => ({
      leadId: `L${i}`,
      version: 2,
      partnerId: 'contoso',
      month: '2026-11',
      delta: { counts: { [figure.responseBucket(String(i))]: 1, [figure.within24h]: 1 }, money: {} },
    }));
    const groups = groupsOf(changes);
    expect(groups.flat()).toEqual(changes);
    for (const group of groups) {
      const names = new Set(group.flatMap((c) => Object.keys(c.delta.counts)));
      expect(names.size).toBeLessThanOrEqual(MAX_FIGURES);
      expect(group.length + 2).toBeLessThanOrEqual(100);
    }
  });
});

describe('GET /v1/insights', () => {
  const event = (query: Record<string, string> = {}) =>
    apiEvent({ method: 'GET', path: '/v1/insights', query, claims: partnerClaims('contoso') });

  it('reads the months and the platform shards in one BatchGetItem and reports them', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const stats = marshall({
      pk: 'STATS#contoso',
      sk: month,
      [figure.count('sales-qualified', 'received')]: 3,
      [figure.count('sales-qualified', 'accepted')]: 2,
      [figure.count('sales-qualified', 'expired')]: 1,
      [figure.within24h]: 2,
      'pipeline:EUR': 10.1,
    });
    ddb.on(BatchGetItemCommand).resolves({ Responses: { leads: [stats] } });
    const response = await call(getInsights, event());
    expect(response.status).toBe(200);
    expect(ddb.calls()).toHaveLength(1);
    const keys = ddb.commandCalls(BatchGetItemCommand)[0]!.args[0].input.RequestItems!.leads!.Keys!;
    expect(keys).toHaveLength(3 + 9);
    expect(keys.map((k) => k.pk!.S)).toContain('PLATFORM#2');
    expect(response.body).toMatchObject({
      partnerId: 'contoso',
      to: month,
      leads: { received: 3, accepted: 2, expired: 1, open: 0 },
      rates: { acceptance: 0.667, expiry: 0.333, answeredWithin24h: 0.667, win: null },
      value: { pipeline: [{ currency: 'EUR', amount: 10.1 }], won: [] },
    });
    expect(response.body.months).toHaveLength(3);
  });

  it.each([
    [{ from: '2026-13' }],
    [{ from: '2026-11', to: '2026-10' }],
    [{ from: '2020-01', to: '2026-11' }],
  ])('answers 400 to %j', async (query) => {
    const response = await call(getInsights, event(query));
    expect(response).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    [{ from: '2026-13' }, ['query.from']],
    [{ to: '2026-1' }, ['query.to']],
    [{ from: '26-01', to: '2026-00' }, ['query.from', 'query.to']],
    [{ from: '0000-01' }, ['query.from']],
    [{ from: '2026-11', to: '2026-10' }, ['query.from']],
    [{ from: '2020-01', to: '2026-11' }, ['query.from']],
    [{ from: '2999-01' }, ['query.from']],
  ])('names the query parameter at fault in errors[] for %j', async (query, paths) => {
    const response = await call(getInsights, event(query));
    expect(response.status).toBe(400);
    expect((response.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual(paths);
  });

  it('answers a month still to come, or from = to, with that one month of zeros', async () => {
    ddb.on(BatchGetItemCommand).resolves({ Responses: { leads: [] } });
    const response = await call(getInsights, event({ from: '2999-12', to: '2999-12' }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ from: '2999-12', to: '2999-12', leads: { received: 0 } });
    expect(response.body.months).toHaveLength(1);
  });
});

describe('GET /v1/partners', () => {
  const registered = {
    Item: { id: 'microsoft-marketing', kind: 'microsoft', name: 'MS', notificationEmail: 'r@ms.example' },
  };
  const card = (partnerId: string, ranking = neutralSnapshot()) => ({
    partnerId,
    profile: {
      listed: true,
      companyName: partnerId,
      keywords: ['azure migration', 'erp'],
      countries: ['IT'],
      companySizes: [],
    },
    ranking,
  });
  const event = (query: Record<string, string>) =>
    apiEvent({ method: 'GET', path: '/v1/partners', query, claims: senderClaims() });

  it('sends one Query per search term, and ranks what they return', async () => {
    ddb.on(GetCommand).resolves(registered);
    const good = card(
      'good',
      rankingSnapshot({
        counts: { [figure.count('sales-qualified', 'accepted')]: 5, [figure.within24h]: 5 },
        money: {},
      }),
    );
    ddb
      .on(QueryCommand)
      .resolves({ Items: [...indexItemsOf(card('plain')).slice(0, 1), ...indexItemsOf(good).slice(0, 1)] });
    const response = await call(searchPartners, event({ keyword: 'Azure  ERP and more', country: 'IT' }));
    expect(response.status).toBe(200);
    const queries = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues![':pk']);
    expect(queries).toEqual(['SEARCH#TERM#azure#C#IT', 'SEARCH#TERM#erp#C#IT', 'SEARCH#TERM#more#C#IT']);
    expect(response.body.items.map((i: { partnerId: string }) => i.partnerId)).toEqual(['good', 'plain']);
  });

  it.each([
    [{}],
    [{ keyword: 'the and of' }],
    [{ keyword: 'a b c d e f g h', country: 'IT' }],
    [{ country: 'it' }],
    [{ country: 'IT', limit: '51' }],
    [{ country: 'IT', limit: '1e1' }],
    [{ country: 'IT', limit: '+5' }],
    [{ country: 'IT', limit: ' 5' }],
    [{ country: 'IT', limit: '5.0' }],
    [{ country: 'IT', limit: '0x10' }],
    [{ country: 'IT', limit: '' }],
  ])('answers 400 to %j', async (query) => {
    ddb.on(GetCommand).resolves(registered);
    const response = await call(searchPartners, event(query as Record<string, string>));
    expect(response).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});

describe('profile replace', () => {
  it('removes a company name and description the new profile leaves out, so search drops the partner', async () => {
    ddb
      .on(UpdateCommand)
      .resolves({ Attributes: { pk: 'PARTNER#contoso', sk: 'PROFILE', keywords: [], version: 2 } });
    const repository = new ProfileRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'leads');
    const saved = await repository.put(
      'contoso',
      { listed: true, keywords: ['erp'], companySizes: [], industries: [], locations: [] },
      new Date('2026-11-25T10:00:00.000Z'),
    );
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    const removed = input
      .UpdateExpression!.split(' REMOVE ')[1]!
      .split(', ')
      .map((n) => input.ExpressionAttributeNames![n]);
    expect(removed.sort()).toEqual(['companyName', 'description']);
    // Saved before `listed` existed: listed.
    expect(saved.listed).toBe(true);
  });
});

describe('search indexer', () => {
  const cardItem = (ranking = neutralSnapshot(), listed = true) => ({
    pk: 'SEARCH#PARTNER#contoso',
    sk: 'CARD',
    partnerId: 'contoso',
    profile: {
      listed,
      companyName: 'Contoso',
      keywords: ['azure migration'],
      countries: ['IT'],
      companySizes: [],
    },
    ranking,
    rankingKey: rankingKeyOf(ranking),
  });

  it('copies a saved profile to the search card, guarded by the profile version', async () => {
    ddb.on(UpdateCommand).resolves({});
    const profile = {
      pk: 'PARTNER#contoso',
      sk: 'PROFILE',
      companyName: 'Contoso',
      keywords: ['Azure  Migration'],
      companySizes: [],
      industries: [],
      locations: [{ name: 'Milan', country: 'IT', contacts: [{ name: 'G', email: 'g@contoso.example' }] }],
      version: 3,
    };
    const response = await indexer(events(streamRecord({ eventName: 'INSERT', newItem: profile })), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'SEARCH#PARTNER#contoso', sk: 'CARD' },
      ExpressionAttributeValues: expect.objectContaining({
        ':v': 3,
        ':profile': {
          listed: true,
          companyName: 'Contoso',
          keywords: ['azure migration'],
          countries: ['IT'],
          companySizes: [],
        },
      }),
    });
  });

  it('rewrites the index when the card moves band: new items put, old keys deleted', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    const better = rankingSnapshot({
      counts: { [figure.count('sales-qualified', 'accepted')]: 9, [figure.within24h]: 9 },
      money: {},
    });
    await indexer(
      events(streamRecord({ eventName: 'MODIFY', oldItem: cardItem(), newItem: cardItem(better) })),
      context,
    );
    const requests = ddb.commandCalls(BatchWriteCommand).flatMap((c) => c.args[0].input.RequestItems!.leads!);
    const deleted = requests.flatMap((r) => (r.DeleteRequest?.Key ? [r.DeleteRequest.Key] : []));
    const put = requests.flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : []));
    // azure, migration (each alone and with IT) and IT alone: five partitions.
    expect(put.map((i) => i.pk).sort()).toEqual([
      'SEARCH#COUNTRY#IT',
      'SEARCH#TERM#azure',
      'SEARCH#TERM#azure#C#IT',
      'SEARCH#TERM#migration',
      'SEARCH#TERM#migration#C#IT',
    ]);
    expect(put.every((i) => i.sk === `${better.band}#contoso`)).toBe(true);
    expect(deleted.every((k) => k.sk === '10#contoso')).toBe(true);
    expect(deleted).toHaveLength(5);
  });

  it('removes every index item when the partner unlists', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    await indexer(
      events(
        streamRecord({
          eventName: 'MODIFY',
          oldItem: cardItem(),
          newItem: cardItem(neutralSnapshot(), false),
        }),
      ),
      context,
    );
    const requests = ddb.commandCalls(BatchWriteCommand).flatMap((c) => c.args[0].input.RequestItems!.leads!);
    expect(requests.filter((r) => r.PutRequest)).toHaveLength(0);
    expect(requests.filter((r) => r.DeleteRequest)).toHaveLength(5);
  });

  it('refreshes the snapshot of partners whose months changed, once per batch, retrying a lost race', async () => {
    const stats = marshall({
      pk: 'STATS#contoso',
      sk: new Date().toISOString().slice(0, 7),
      [figure.count('sales-qualified', 'received')]: 2,
      [figure.count('sales-qualified', 'expired')]: 2,
    });
    ddb.on(BatchGetItemCommand).resolves({ Responses: { leads: [stats] } });
    ddb
      .on(UpdateCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }))
      .resolves({});
    const record = (seq: string) =>
      streamRecord({
        eventName: 'MODIFY',
        newItem: { pk: 'STATS#contoso', sk: '2026-11' },
        sequenceNumber: seq,
      });
    const response = await indexer(events(record('1'), record('2')), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(2);
    const saved = ddb.commandCalls(UpdateCommand).at(-1)!.args[0].input;
    expect(saved.ConditionExpression).toBe('attribute_not_exists(rankingKey)');
    expect(saved.ExpressionAttributeValues![':r']).toMatchObject({ decided: 2, score: 0.333, band: 6 });
  });
});
