/**
 * Handlers against a mocked DynamoDB: what they send (one conditional write per action) and how
 * they answer each failure, without a database.
 */
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createHash } from 'node:crypto';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { newLeadSchema } from '../../functions/domain/lead.js';
import { apiEvent, call, partnerClaims, senderClaims } from '../support/events.js';
import { commands, newLead, received, run } from '../support/leads.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  CURSOR_SECRET: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // Fair use off: these tests count each handler's own commands (test/unit/fair-use.test.ts counts requests).
  FAIR_USE_SENDER_LIMIT: '0',
  FAIR_USE_PARTNER_LIMIT: '0',
});
const ddb = mockClient(DynamoDBDocumentClient);
const { handler: accept } = await import('../../functions/accept-lead/handler.js');
const { handler: createLead } = await import('../../functions/create-lead/handler.js');
const { handler: favorite } = await import('../../functions/favorite-lead/handler.js');
const { handler: getLead } = await import('../../functions/get-lead/handler.js');
const { handler: listLeads } = await import('../../functions/list-leads/handler.js');

const id = '01JD0000000000000000000000';
const acceptEvent = (extra: Parameters<typeof apiEvent>[0] = {}) =>
  apiEvent({
    method: 'POST',
    path: `/v1/leads/${id}/accept`,
    pathParameters: { id },
    body: { deal: { name: 'ERP', value: { amount: 1, currency: 'EUR' }, estimatedCloseDate: '2027-01-31' } },
    ...extra,
  });
const registered = {
  Item: { id: 'microsoft-marketing', kind: 'microsoft', name: 'MS', notificationEmail: 'r@ms.example' },
};

beforeEach(() => ddb.reset());

describe('accept-lead', () => {
  it('sends exactly one conditional UpdateItem and answers the new lead with its ETag', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: toItem(run(received(), commands.accept)) });
    const response = await call(accept, acceptEvent());
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.body).toMatchObject({ id, stage: 'accepted', version: 2 });
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'leads',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    expect(values).toContain('contoso');
    expect(values).toContain('received');
    expect(input.ConditionExpression).toMatch(/attribute_exists\(pk\)/);
  });

  it.each([
    ['an archived lead', toItem(run(received(), commands.decline)), 409, 'lead-archived'],
    ["another partner's lead", toItem(received({ partnerId: 'other' })), 404, 'lead-not-found'],
    ['no lead at all', undefined, 404, 'lead-not-found'],
    ['an accepted lead', toItem(run(received(), commands.accept)), 409, 'invalid-transition'],
  ])('explains a refused write on %s from the returned old item', async (_, item, status, code) => {
    ddb.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}),
      }),
    );
    const response = await call(accept, acceptEvent());
    expect(response).toMatchObject({ status, body: { code, status } });
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(ddb.calls()).toHaveLength(1);
  });

  it.each([
    ['no token', acceptEvent({ claims: null }), 401, 'unauthorized'],
    ['another role', acceptEvent({ claims: partnerClaims('contoso', 'sales-viewer') }), 403, 'forbidden'],
    ['a sender token', acceptEvent({ claims: senderClaims() }), 403, 'forbidden'],
    [
      'a body over 64 KiB',
      acceptEvent({ body: `{"deal":"${'x'.repeat(65 * 1024)}"}` }),
      413,
      'payload-too-large',
    ],
    ['text/plain', acceptEvent({ headers: { 'content-type': 'text/plain' } }), 415, 'unsupported-media-type'],
    ['malformed JSON', acceptEvent({ body: '{"deal":' }), 400, 'malformed-json'],
    ['a missing body', acceptEvent({ body: '' }), 400, 'validation-failed'],
    [
      'an invalid currency',
      acceptEvent({
        body: {
          deal: { name: 'x', value: { amount: 1, currency: 'XXY' }, estimatedCloseDate: '2027-01-31' },
        },
      }),
      400,
      'validation-failed',
    ],
    ['a malformed lead id', acceptEvent({ pathParameters: { id: 'nope' } }), 404, 'lead-not-found'],
  ])('refuses %s before touching the table', async (_, event, status, code) => {
    const response = await call(accept, event);
    expect(response).toMatchObject({ status, body: { code } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ['"2"', [2]],
    ['"7", "2"', [7, 2]],
    ['W/"2"', []],
  ])('turns If-Match %s into a version condition', async (header, versions) => {
    ddb.on(UpdateCommand).resolves({ Attributes: toItem(run(received(), commands.accept)) });
    await call(accept, acceptEvent({ headers: { 'content-type': 'application/json', 'if-match': header } }));
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    if (versions.length === 0) expect(input.ConditionExpression).toMatch(/attribute_not_exists\(pk\)/);
    for (const v of versions) expect(values).toContain(v);
  });

  it('names every invalid field of a body', async () => {
    const response = await call(
      accept,
      acceptEvent({ body: { deal: { name: '', value: { amount: -1, currency: 'EUR' } }, extra: 1 } }),
    );
    expect(response.status).toBe(400);
    const paths = (response.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['deal.name', 'deal.value.amount', 'deal.estimatedCloseDate', 'extra']),
    );
  });

  it('names each unknown field at the field itself, however deep', async () => {
    const response = await call(
      accept,
      acceptEvent({
        body: { deal: { name: 'D', value: { amount: 1, currency: 'EUR', rate: 2 } }, extra: 1, more: 2 },
      }),
    );
    expect(response.status).toBe(400);
    const errors = response.body.errors as Array<{ path: string; message: string }>;
    expect(errors.map((e) => e.path).sort()).toEqual(
      expect.arrayContaining(['deal.value.rate', 'extra', 'more']),
    );
    expect(errors.map((e) => e.path)).not.toContain('');
    expect(errors.find((e) => e.path === 'extra')?.message).toBe('unknown field');
  });

  it('answers a table still throttled after the SDK retries with 429 and Retry-After, not a 500', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const response = await call(accept, acceptEvent());
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ code: 'throttled', status: 429 });
  });

  it('answers a failing database with a generic 500 that reveals nothing', async () => {
    ddb.on(UpdateCommand).rejects(new Error('socket hang up at 10.0.0.1'));
    const response = await call(accept, acceptEvent());
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('10.0.0.1');
  });
});

describe('create-lead', () => {
  const post = (body: unknown, key = 'key-1') =>
    apiEvent({
      method: 'POST',
      path: '/v1/leads',
      body,
      headers: { 'idempotency-key': key },
      claims: senderClaims(),
    });

  beforeEach(() => ddb.on(QueryCommand).resolves({ Items: [] }));

  it('writes the lead, its expiry timer and the idempotency record in one transaction', async () => {
    ddb.on(GetCommand).resolves(registered);
    ddb.on(TransactWriteCommand).resolves({});
    const response = await call(createLead, post(newLead()));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      partnerId: 'contoso',
      stage: 'received',
      customer: newLead().customer,
    });
    expect(response.body).not.toHaveProperty('possibleDuplicates');
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Put?.Item?.sk)).toEqual([
      'LEAD',
      'TIMER#EXPIRY',
      'IDEMPOTENCY',
      `LEAD#${response.body.id}`,
    ]);
    // The customer's link for erasure: keyed by a hash of the address, never the address itself.
    expect(items[3]!.Put!.Item!.pk).toMatch(/^CUSTOMER#[\w-]{43}$/);
    expect(JSON.stringify(items[3]!.Put!.Item)).not.toContain(newLead().customer.email);
    expect(items[0]!.Put!.Item).not.toHaveProperty('expiresAt');
    expect(items[1]!.Put!.Item!.expiresAt).toBe(Math.floor(Date.parse(response.body.respondBy) / 1000));
  });

  const keyUsedBy = (fingerprint: string) =>
    new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Item: marshall({ fingerprint, leadId: id }) },
      ],
    });

  it('flags an open lead of the same customer from another sender, on the stored lead only', async () => {
    ddb.on(GetCommand).resolves(registered);
    ddb.on(TransactWriteCommand).resolves({});
    const other = '01JC0000000000000000000000';
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          gsi6pk: 'DUPS#contoso#domain#fabrikam.example',
          gsi6sk: `2026-11-20T10:00:00.000Z#${other}`,
          partnerId: 'contoso',
          sender: { id: 'fabrikam-referrals', kind: 'partner', name: 'Fabrikam' },
          customer: {
            companyName: 'Fabrikam',
            contactName: 'A',
            email: 'ANA@fabrikam.example',
            country: 'IT',
          },
          receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
          respondBy: new Date(Date.now() + 86_400_000).toISOString(),
          stage: 'received',
        },
      ],
    });
    const response = await call(createLead, post(newLead()));
    expect(response.status).toBe(201);
    expect(JSON.stringify(response.body)).not.toContain(other);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'openByCustomer',
      ExpressionAttributeValues: expect.objectContaining({ ':pk': 'DUPS#contoso#domain#fabrikam.example' }),
    });
    const stored = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    expect(stored.possibleDuplicates).toEqual([
      expect.objectContaining({ leadId: other, senderId: 'fabrikam-referrals', match: 'email' }),
    ]);
    expect(stored.gsi6pk).toBe('DUPS#contoso#domain#fabrikam.example');
  });

  it('a replay with the same body returns the original lead', async () => {
    ddb.on(GetCommand, { Key: { pk: 'CLIENT#microsoft-marketing', sk: 'SENDER' } }).resolves(registered);
    ddb.on(GetCommand, { Key: { pk: `LEAD#${id}`, sk: 'LEAD' } }).resolves({ Item: toItem(received()) });
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(newLeadSchema.parse(newLead())))
      .digest('base64url');
    ddb.on(TransactWriteCommand).rejects(keyUsedBy(fingerprint));
    const replay = await call(createLead, post(newLead()));
    expect(replay).toMatchObject({ status: 201, body: { id } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('a replay with another body is refused', async () => {
    ddb.on(GetCommand).resolves(registered);
    ddb.on(TransactWriteCommand).rejects(keyUsedBy('not-this-body'));
    const refused = await call(createLead, post(newLead()));
    expect(refused).toMatchObject({ status: 409, body: { code: 'idempotency-key-reused' } });
  });

  it('an unregistered client is 403', async () => {
    ddb.on(GetCommand).resolves({});
    const event = apiEvent({
      method: 'POST',
      path: '/v1/leads',
      body: newLead(),
      claims: senderClaims('nobody'),
    });
    expect(await call(createLead, event)).toMatchObject({
      status: 403,
      body: { code: 'sender-not-registered' },
    });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('favorite-lead', () => {
  it('is one transactional request, and a lead of another partner is 404', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const event = apiEvent({ method: 'PUT', path: `/v1/leads/${id}/favorite`, pathParameters: { id } });
    expect((await call(favorite, event)).status).toBe(204);
    expect(ddb.calls()).toHaveLength(1);
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'x',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect((await call(favorite, event)).status).toBe(404);
  });
});

describe('integer query parameters', () => {
  const list = (limit: string) =>
    call(listLeads, apiEvent({ method: 'GET', path: '/v1/leads', query: { limit } }));

  it.each(['1e1', '+5', ' 5', '5 ', '5.0', '0x10', '-1', '', '0', '101', '1'.repeat(400)])(
    'refuses limit=%j with a 400 naming query.limit, before any read',
    async (limit) => {
      const response = await list(limit);
      expect(response.status).toBe(400);
      expect((response.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['query.limit']);
      expect(ddb.calls()).toHaveLength(0);
    },
  );

  it.each([
    ['5', 5],
    ['007', 7],
    ['100', 100],
  ])('takes limit=%j as %d', async (limit, expected) => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const response = await list(limit);
    expect(response.status).toBe(200);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBeGreaterThanOrEqual(expected);
  });
});

describe('list-leads', () => {
  it('parses only the leads its page returns, not the one read past it', async () => {
    const item = (n: number) => toItem({ ...received(), id: `01JD00000000000000000000${n}0` });
    // The third item is read only to learn whether a next page exists: never shown, never parsed.
    const unreadable = { ...item(7), customer: 42 };
    ddb.on(QueryCommand).resolves({ Items: [item(9), item(8), unreadable] });
    const response = await call(
      listLeads,
      apiEvent({ method: 'GET', path: '/v1/leads', query: { limit: '2' } }),
    );
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(3);
    expect(response.status).toBe(200);
    expect((response.body.items as Array<{ id: string }>).map((lead) => lead.id)).toEqual([
      '01JD0000000000000000000090',
      '01JD0000000000000000000080',
    ]);
    expect(response.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('get-lead', () => {
  it("is one GetItem, and another partner's lead is 404", async () => {
    ddb.on(GetCommand).resolves({ Item: toItem(received({ partnerId: 'other' })) });
    const response = await call(getLead, apiEvent({ path: `/v1/leads/${id}`, pathParameters: { id } }));
    expect(response).toMatchObject({ status: 404, body: { code: 'lead-not-found' } });
    expect(ddb.calls()).toHaveLength(1);
  });
});

describe('the route table drives the middy stack', () => {
  it('a sender route without its sender lookup is a type error, and fails when built, not when called', async () => {
    const { routeHandler } = await import('../../functions/http/route-handler.js');
    const { routes } = await import('../../functions/http/routes.js');
    const { fairUse } = await import('../../functions/http/fair-use.js');
    // @ts-expect-error: a sender route needs { senderForClient }
    expect(() => routeHandler(routes.createLead, async () => ({ status: 201 }), { fairUse })).toThrow(
      'route create-lead needs a sender lookup',
    );
    expect(() => routeHandler(routes.health, async () => ({ status: 200 }))).not.toThrow();
  });

  it('an authenticated route without its fair use is a type error, and fails when built', async () => {
    const { routeHandler } = await import('../../functions/http/route-handler.js');
    const { routes } = await import('../../functions/http/routes.js');
    // @ts-expect-error: a partner route needs { fairUse }
    expect(() => routeHandler(routes.getLead, async () => ({ status: 200 }))).toThrow(
      'route get-lead needs its fair use',
    );
    const senderForClient = async () => undefined;
    // @ts-expect-error: a sender route needs { fairUse } beside its sender lookup
    expect(() => routeHandler(routes.createLead, async () => ({ status: 201 }), { senderForClient })).toThrow(
      'route create-lead needs its fair use',
    );
  });

  it('a request without authorizer output gets the plain bearer challenge (RFC 6750 §3.1)', async () => {
    const response = await call(accept, acceptEvent({ claims: null }));
    expect(response).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="partner-referrals"');
  });

  it('malformed JSON names the line and column where parsing failed', async () => {
    const response = await call(accept, acceptEvent({ body: '{"deal": {"name": "ERP",, }}' }));
    expect(response.body).toMatchObject({
      code: 'malformed-json',
      detail: 'The body is not valid JSON: parsing failed at line 1, column 25 (character 25).',
    });
  });

  it("a malformed id is the route's own 404", async () => {
    const bad = 'not-a-lead-id';
    const response = await call(getLead, apiEvent({ path: `/v1/leads/${bad}`, pathParameters: { id: bad } }));
    expect(response).toMatchObject({
      status: 404,
      body: { code: 'lead-not-found', title: 'Lead not found' },
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});
