/**
 * The webhook functions against mocked DynamoDB and SQS: the routes (secret shown once, the limit,
 * unsafe URLs, another partner's subscription), the stream consumer's fan-out (idempotent on
 * redelivery) and the sender's attempts against a real local receiver (signature verified by
 * the library, retries re-queued with a delay, 410 disables).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import type { Delivery, DeliveryMessage, Subscription } from '../../functions/domain/webhooks.js';
import { apiEvent, call, partnerClaims } from '../support/events.js';
import { commands, received, run } from '../support/leads.js';
import { streamRecord } from '../support/streams.js';
import { subscription as storedSubscription } from '../support/subscriptions.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  WEBHOOK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/webhook-deliveries',
  EMAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/emails.fifo',
  WEBHOOK_ALLOW_LOCAL_HTTP: '1',
  WEBHOOK_RETRY_SCHEDULE: 'PT5S,PT20M',
});
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const { handler: createWebhook } = await import('../../functions/create-webhook/handler.js');
const { handler: getWebhook } = await import('../../functions/get-webhook/handler.js');
const { handler: rotateSecret } = await import('../../functions/rotate-webhook-secret/handler.js');
const { handler: deleteWebhook } = await import('../../functions/delete-webhook/handler.js');
const { handler: replay } = await import('../../functions/replay-webhook/handler.js');
const { handler: events } = await import('../../functions/webhook-events/handler.js');
const { handler: sender } = await import('../../functions/webhook-sender/handler.js');
const context = { awsRequestId: 'r', functionName: 'test' } as Context;
/** The entries of each SendMessageBatch to one queue: deliveries and emails both go in batches. */
const batchesTo = (queueUrl: string | undefined) =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.QueueUrl === queueUrl)
    .map((input) => input.Entries!);

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

const secretA = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const subscription = (overrides: Partial<Subscription> = {}): Subscription =>
  storedSubscription({
    id: 'wh_01JD0000000000000000000001',
    events: ['lead.received', 'lead.accepted'],
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    secrets: [{ value: secretA, expiresAt: null }],
    ...overrides,
  });
const item = (s: Subscription) => ({
  pk: `PARTNER#${s.partnerId}`,
  sk: `WEBHOOK#${s.id}`,
  entity: 'webhook',
  ...s,
});

describe('the subscription routes', () => {
  const body = { url: 'https://hooks.contoso.example/in', events: ['lead.received'] };

  it('creates a subscription: 201 with a whsec_ secret of 32 random bytes, counted against the limit', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const reply = await call(createWebhook, apiEvent({ method: 'POST', path: '/v1/webhooks', body }));
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ url: body.url, events: ['lead.received'], enabled: true });
    expect(reply.body.id).toMatch(/^wh_[0-9A-Z]{26}$/);
    expect(Buffer.from(reply.body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const [put] = ddb.commandCalls(TransactWriteCommand);
    const items = put!.args[0].input.TransactItems!;
    expect(items[0]!.Update).toMatchObject({
      Key: { pk: 'PARTNER#contoso', sk: 'WEBHOOKS' },
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
      ExpressionAttributeValues: expect.objectContaining({ ':max': 10 }),
    });
    expect(items[1]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('refuses the 11th subscription with 409', async () => {
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'x', $metadata: {} }));
    const reply = await call(createWebhook, apiEvent({ method: 'POST', path: '/v1/webhooks', body }));
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('webhook-limit-reached');
  });

  it.each([
    'http://hooks.contoso.example/in',
    'https://192.168.0.10/in',
    'https://[fd00:ec2::254]/in',
    'https://100.64.1.1/in',
  ])('refuses %s with 400 and writes no subscription', async (url) => {
    const reply = await call(
      createWebhook,
      apiEvent({ method: 'POST', path: '/v1/webhooks', body: { ...body, url } }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('webhook-url-refused');
    // Only the fair-use count: no subscription is written.
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses an unknown event type with 400 (schema)', async () => {
    const reply = await call(
      createWebhook,
      apiEvent({ method: 'POST', path: '/v1/webhooks', body: { ...body, events: ['lead.deleted'] } }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation-failed');
  });

  it("answers 404 for another partner's subscription: it is looked up under the caller's partner", async () => {
    ddb.on(GetCommand).resolves({});
    const id = subscription().id;
    const reply = await call(
      getWebhook,
      apiEvent({ path: `/v1/webhooks/${id}`, pathParameters: { id }, claims: partnerClaims('fabrikam') }),
    );
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('webhook-not-found');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: 'PARTNER#fabrikam', sk: `WEBHOOK#${id}` },
    });
  });

  it('never shows the secret on a read', async () => {
    ddb.on(GetCommand).resolves({ Item: item(subscription()) });
    const id = subscription().id;
    const reply = await call(getWebhook, apiEvent({ path: `/v1/webhooks/${id}`, pathParameters: { id } }));
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain('whsec_');
  });

  it('rotates: a new secret, the old one kept 24 hours, written on the version read', async () => {
    ddb.on(GetCommand).resolves({ Item: item(subscription()) });
    ddb.on(PutCommand).resolves({});
    const id = subscription().id;
    const reply = await call(
      rotateSecret,
      apiEvent({ method: 'POST', path: `/v1/webhooks/${id}/rotate-secret`, pathParameters: { id } }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.secret).not.toBe(secretA);
    const saved = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(saved.ConditionExpression).toBe('#version = :expected AND attribute_not_exists(deletedAt)');
    expect(saved.Item!.secrets).toEqual([
      { value: reply.body.secret, expiresAt: null },
      { value: secretA, expiresAt: expect.any(String) },
    ]);
  });

  it('deletes as a tombstone (no DeleteItem: TTL removes it) and gives back its place under the limit', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const id = subscription().id;
    const reply = await call(
      deleteWebhook,
      apiEvent({ method: 'DELETE', path: `/v1/webhooks/${id}`, pathParameters: { id } }),
    );
    expect(reply.status).toBe(204);
    const [tombstone, counter] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(tombstone!.Update).toMatchObject({
      Key: { pk: 'PARTNER#contoso', sk: `WEBHOOK#${id}` },
      UpdateExpression: 'SET deletedAt = :now, enabled = :false, expiresAt = :expires',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
    });
    expect(counter!.Update).toMatchObject({ ExpressionAttributeValues: { ':minus': -1 } });
    expect(tombstone!.Delete).toBeUndefined();

    // Deleted already (or never there): 404.
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'x', $metadata: {} }));
    const again = await call(
      deleteWebhook,
      apiEvent({ method: 'DELETE', path: `/v1/webhooks/${id}`, pathParameters: { id } }),
    );
    expect(again.status).toBe(404);
  });

  it('reads a tombstone as gone', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...item(subscription()), deletedAt: '2026-11-25T10:00:00.000Z' } });
    const id = subscription().id;
    const reply = await call(getWebhook, apiEvent({ path: `/v1/webhooks/${id}`, pathParameters: { id } }));
    expect(reply.status).toBe(404);
  });

  it('replays the events of the subscription’s types since a time, queued in order', async () => {
    ddb.on(GetCommand).resolves({ Item: item(subscription()) });
    const stored = (type: string, minute: number) => ({
      partnerId: 'contoso',
      key: `2026-11-25T10:0${minute}:00.000Z#01JD0000000000000000000000#${minute}`,
      type,
      timestamp: `2026-11-25T10:0${minute}:00.000Z`,
      leadId: '01JD0000000000000000000000',
    });
    ddb.on(QueryCommand).resolves({
      Items: [stored('lead.received', 1), stored('lead.won', 2), stored('lead.accepted', 3)],
    });
    ddb.on(PutCommand).resolves({});
    const id = subscription().id;
    const reply = await call(
      replay,
      apiEvent({
        method: 'POST',
        path: `/v1/webhooks/${id}/replay`,
        pathParameters: { id },
        body: { since: '2026-11-25T10:00:00Z' },
      }),
    );
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ events: 2 });
    const sent = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(sent.map((e) => (JSON.parse(e.MessageBody!) as DeliveryMessage).eventKey)).toEqual([
      stored('lead.received', 1).key,
      stored('lead.accepted', 3).key,
    ]);
  });
});

describe('the webhook events consumer (stream)', () => {
  const lead = received();
  const insert = () => streamRecord({ eventName: 'INSERT', newItem: toItem(lead), sequenceNumber: '1' });
  const subscriptions = [
    subscription(),
    subscription({ id: 'wh_01JD0000000000000000000002', events: ['lead.won'] }),
    subscription({ id: 'wh_01JD0000000000000000000003', enabled: false, disabledReason: 'by-partner' }),
  ];

  const exists = () =>
    new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });

  it('stores the event and one delivery per matching, enabled subscription in one write, and queues them', async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb.on(TransactWriteCommand).resolves({});
    const result = await events({ Records: [insert()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    const [write] = ddb.commandCalls(TransactWriteCommand);
    const puts = write!.args[0].input.TransactItems!.map((i) => i.Put!);
    expect(puts.map((p) => p.Item!.entity)).toEqual(['webhook-event', 'webhook-delivery']);
    expect(puts.every((p) => p.ConditionExpression === 'attribute_not_exists(pk)')).toBe(true);
    const body = JSON.parse(String(puts[0]!.Item!.body));
    expect(body).toMatchObject({ type: 'lead.received', data: { lead: { id: lead.id, version: 1 } } });
    expect(body.data.lead).not.toHaveProperty('favorite');
    expect(puts[0]!.Item!.expiresAt).toBe(Math.floor(Date.parse(lead.updatedAt) / 1000) + 7 * 86_400);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.MessageBody!)).toMatchObject({
      subscriptionId: subscriptions[0]!.id,
      round: 0,
    });
  });

  it('a redelivered record makes the same delivery and queues nothing once it was attempted', async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb.on(TransactWriteCommand).resolves({});
    await events({ Records: [insert()] }, context);
    const first = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Put!.Item!;

    ddb.reset();
    sqs.reset();
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    const attempted = {
      ...first,
      attempts: [{ at: lead.updatedAt, statusCode: 204, durationMs: 3, error: null }],
    };
    // The event exists already: the one write is refused, and each item is taken on its own.
    ddb.on(TransactWriteCommand).rejects(exists());
    ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      throw new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        ...(input.Item.entity === 'webhook-delivery' ? { Item: marshall(attempted) } : {}),
      });
    });
    const result = await events({ Records: [insert()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(PutCommand)[1]!.args[0].input.Item!.id).toBe(first.id);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('a redelivered record whose delivery was never attempted is queued again', async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb.on(TransactWriteCommand).rejects(exists());
    ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      throw new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        ...(input.Item.entity === 'webhook-delivery' ? { Item: marshall(input.Item) } : {}),
      });
    });
    const result = await events({ Records: [insert()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries).toHaveLength(1);
  });

  it("reads a partner's subscriptions once for a batch of its changes", async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb.on(TransactWriteCommand).resolves({});
    const accepted = streamRecord({
      eventName: 'MODIFY',
      oldItem: toItem(lead),
      newItem: toItem(run(lead, commands.accept)),
      sequenceNumber: '2',
    });
    const result = await events({ Records: [insert(), accepted] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });

  const acceptedRecord = () =>
    streamRecord({
      eventName: 'MODIFY',
      oldItem: toItem(lead),
      newItem: toItem(run(lead, commands.accept)),
      sequenceNumber: '2',
    });

  it("stores the events and deliveries of a batch's changes in one conditional transaction", async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb.on(TransactWriteCommand).resolves({});
    const result = await events({ Records: [insert(), acceptedRecord()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    const writes = ddb.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(1);
    const puts = writes[0]!.args[0].input.TransactItems!.map((i) => i.Put!);
    expect(puts.map((p) => p.Item!.entity)).toEqual([
      'webhook-event',
      'webhook-delivery',
      'webhook-event',
      'webhook-delivery',
    ]);
    expect(puts.every((p) => p.ConditionExpression === 'attribute_not_exists(pk)')).toBe(true);
  });

  it('takes a refused shared transaction apart: the change seen before goes item by item, the other alone', async () => {
    ddb.on(QueryCommand).resolves({ Items: subscriptions.map(item) });
    ddb
      .on(TransactWriteCommand)
      .callsFake((input: { TransactItems: Array<{ Put: { Item: { sk: string } } }> }) => {
        // The insert's event was stored by an earlier try; the accept's items are new.
        const seenBefore = (i: { Put: { Item: { sk: string } } }) => i.Put.Item.sk.includes(`${lead.id}#1`);
        if (input.TransactItems.some(seenBefore))
          throw new TransactionCanceledException({
            message: 'cancelled',
            $metadata: {},
            CancellationReasons: input.TransactItems.map((i) => ({
              Code: seenBefore(i) ? 'ConditionalCheckFailed' : 'None',
            })),
          });
        return {};
      });
    ddb.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => {
      throw new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        ...(input.Item.entity === 'webhook-delivery' ? { Item: marshall(input.Item) } : {}),
      });
    });
    const result = await events({ Records: [insert(), acceptedRecord()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    // The shared one, then the accept's alone; the insert's items were put one by one.
    const writes = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!.length);
    expect(writes).toEqual([4, 2]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    // Both changes' deliveries are queued: the insert's was never attempted.
    const queued = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!).eventKey as string));
    expect(queued).toHaveLength(2);
  });

  it('ignores bookkeeping on the lead (a favorite) without reading anything', async () => {
    const accepted = run(lead, commands.accept);
    const record = streamRecord({
      eventName: 'MODIFY',
      oldItem: toItem(accepted),
      newItem: toItem({ ...accepted, favoritedBy: ['user-1'] }),
    });
    const result = await events({ Records: [record] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('reports the record as a batch item failure when the table cannot be reached', async () => {
    ddb
      .on(QueryCommand)
      .rejectsOnce(new Error('ProvisionedThroughputExceededException'))
      .resolves({ Items: [] });
    const other = streamRecord({
      eventName: 'INSERT',
      newItem: toItem(received({ partnerId: 'fabrikam' })),
      sequenceNumber: '2',
    });
    const result = await events({ Records: [insert(), other] }, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });
});

describe('the webhook sender (queue)', () => {
  let server: Server;
  let url: string;
  let answer = 204;
  // Answers are held until this many requests arrived, so side-by-side attempts end together even
  // on a loaded machine (their saves are coalesced only when asked for within a few milliseconds).
  let answerTogether = 1;
  const held: Array<() => void> = [];
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
        held.push(() => response.writeHead(answer).end());
        if (held.length >= answerTogether) for (const release of held.splice(0)) release();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    answerTogether = 1;
  });

  const body = JSON.stringify({
    type: 'lead.received',
    timestamp: '2026-11-25T10:00:00.000Z',
    data: { lead: { id: 'x' } },
  });
  const delivery = (overrides: Partial<Delivery> = {}): Delivery => ({
    id: '01JD0000000000000000000009',
    subscriptionId: subscription().id,
    partnerId: 'contoso',
    eventType: 'lead.received',
    leadId: '01JD0000000000000000000000',
    eventKey: 'k',
    status: 'pending',
    attempts: [],
    nextAttemptAt: null,
    round: 0,
    step: 0,
    createdAt: '2026-11-25T10:00:00.000Z',
    ...overrides,
  });
  const message = (overrides: Partial<DeliveryMessage> = {}): DeliveryMessage => ({
    partnerId: 'contoso',
    subscriptionId: subscription().id,
    deliveryId: delivery().id,
    eventKey: 'k',
    round: 0,
    ...overrides,
  });
  const sqsEvent = (m: DeliveryMessage): SQSEvent => ({
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'rh',
        body: JSON.stringify(m),
        attributes: { ApproximateReceiveCount: '1' } as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:1:webhook-deliveries',
        awsRegion: 'eu-west-1',
      },
    ],
  });
  const stored = (s: Subscription, d: Delivery) => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        leads: [
          item(s),
          { pk: `WHDELIVERY#${d.subscriptionId}`, sk: d.id, entity: 'webhook-delivery', ...d },
          { pk: 'WHEVENT#contoso', sk: 'k', body },
        ],
      },
    });
    ddb.on(UpdateCommand).resolves({});
  };

  /** The partner's profile with one confirmed, unsuppressed alert contact. */
  const mockConfirmedContact = () => {
    ddb.on(GetCommand).resolves({
      Item: {
        pk: 'PARTNER#contoso',
        sk: 'PROFILE',
        partnerId: 'contoso',
        version: 1,
        updatedAt: '2026-11-25T09:00:00.000Z',
        listed: true,
        keywords: [],
        companySizes: [],
        industries: [],
        locations: [
          { name: 'Milano', country: 'IT', contacts: [{ name: 'Desk', email: 'desk@contoso.example' }] },
        ],
      },
    });
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'PARTNER#contoso',
          sk: 'CONTACT#desk@contoso.example',
          address: 'desk@contoso.example',
          status: 'confirmed',
        },
      ],
    });
    ddb
      .on(BatchGetCommand, {
        RequestItems: { leads: { Keys: [{ pk: 'SUPPRESSED#desk@contoso.example', sk: 'SUPPRESSED' }] } },
      })
      .resolves({ Responses: { leads: [] } });
  };

  it('POSTs the stored body signed (the library verifies it) and records the delivery', async () => {
    answer = 204;
    stored(subscription({ url }), delivery());
    const result = await sender(sqsEvent(message()), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(seen).toHaveLength(1);
    const { headers, body: sent } = seen[0]!;
    expect(headers['webhook-id']).toBe(`msg_${delivery().id}`);
    expect(sent).toBe(body);
    expect(
      new Webhook(secretA).verify(sent, {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      }),
    ).toEqual(JSON.parse(body));
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ConditionExpression).toBe('round = :expectedRound AND step = :expectedStep');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':status': 'delivered', ':step': 0 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('a failed attempt is logged and re-queued after the schedule’s first wait, with the same delivery', async () => {
    answer = 500;
    stored(subscription({ url }), delivery());
    await sender(sqsEvent(message()), context);
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':status': 'pending',
      ':step': 1,
      ':attempts': [expect.objectContaining({ statusCode: 500, error: 'HTTP 500' })],
    });
    // The subscription starts counting its day of failures.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET failingSince = :since' });
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entry!.DelaySeconds).toBe(5);
    expect(JSON.parse(entry!.MessageBody!)).toMatchObject({
      deliveryId: delivery().id,
      round: 0,
      dueAt: expect.any(String),
    });
  });

  it('a wait longer than 15 minutes is re-sent with the longest SQS delay until it is due, without a POST', async () => {
    const dueAt = new Date(Date.now() + 20 * 60_000).toISOString();
    await sender(sqsEvent(message({ dueAt })), context);
    expect(seen).toHaveLength(0);
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entry!.DelaySeconds).toBe(900);
    expect(JSON.parse(entry!.MessageBody!).dueAt).toBe(dueAt);
  });

  it('410 Gone disables the subscription at once and emails its confirmed contacts', async () => {
    answer = 410;
    stored(subscription({ url }), delivery());
    mockConfirmedContact();
    await sender(sqsEvent(message()), context);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'enabled = :true',
      ExpressionAttributeValues: expect.objectContaining({ ':reason': 'gone' }),
    });
    expect(batchesTo(process.env.WEBHOOK_QUEUE_URL)).toHaveLength(0);
    const email = JSON.parse(batchesTo(process.env.EMAIL_QUEUE_URL)[0]![0]!.MessageBody!);
    expect(email).toMatchObject({ key: { type: 'webhook-disabled' }, to: ['desk@contoso.example'] });
  });

  it('disables a subscription whose deliveries have all failed for 24 hours, and emails its contacts', async () => {
    answer = 503;
    const failingSince = new Date(Date.now() - 24 * 3600_000 - 1000).toISOString();
    stored(subscription({ url, failingSince }), delivery({ step: 1 }));
    mockConfirmedContact();
    await sender(sqsEvent(message()), context);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'enabled = :true',
      ExpressionAttributeValues: expect.objectContaining({ ':reason': 'failing' }),
    });
    // Disabled: no further attempt is queued.
    expect(batchesTo(process.env.WEBHOOK_QUEUE_URL)).toHaveLength(0);
    const email = JSON.parse(batchesTo(process.env.EMAIL_QUEUE_URL)[0]![0]!.MessageBody!);
    expect(email).toMatchObject({ key: { type: 'webhook-disabled' }, to: ['desk@contoso.example'] });
    expect(email.text).toMatch(/every delivery to it has failed for 24 hours/);
  });

  it('keeps retrying while the failures are younger than 24 hours', async () => {
    answer = 503;
    const failingSince = new Date(Date.now() - 3600_000).toISOString();
    stored(subscription({ url, failingSince }), delivery({ step: 1 }));
    await sender(sqsEvent(message()), context);
    expect(ddb).not.toHaveReceivedCommandWith(UpdateCommand, { ConditionExpression: 'enabled = :true' });
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    // The schedule's second wait (PT20M) is longer than SQS's delay: the first 900 s of it.
    expect(entry!.DelaySeconds).toBe(900);
  });

  it('reads what a batch of messages needs in one BatchGetItem', async () => {
    answer = 204;
    stored(subscription({ url }), delivery());
    const event = sqsEvent(message());
    const second = {
      ...event.Records[0]!,
      messageId: 'm2',
      body: JSON.stringify(message({ deliveryId: '01JD000000000000000000000A' })),
    };
    const result = await sender({ Records: [...event.Records, second] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    // The second delivery is not in the table (gone past its 7 days): dropped, not POSTed.
    expect(seen).toHaveLength(1);
  });

  describe('a batch of attempts', () => {
    const second = delivery({ id: '01JD000000000000000000000A' });
    const batchOfTwo = () => {
      const event = sqsEvent(message());
      const other = {
        ...event.Records[0]!,
        messageId: 'm2',
        body: JSON.stringify(message({ deliveryId: second.id })),
      };
      return { Records: [...event.Records, other] };
    };
    const deliveryItem = (d: Delivery) => ({
      pk: `WHDELIVERY#${d.subscriptionId}`,
      sk: d.id,
      entity: 'webhook-delivery',
      ...d,
    });
    beforeEach(() => {
      answer = 204;
      ddb.on(BatchGetCommand).resolves({
        Responses: {
          leads: [
            item(subscription({ url })),
            deliveryItem(delivery()),
            deliveryItem(second),
            { pk: 'WHEVENT#contoso', sk: 'k', body },
          ],
        },
      });
    });

    it('records the outcomes of side-by-side attempts in one conditional transaction', async () => {
      ddb.on(TransactWriteCommand).resolves({});
      answerTogether = 2;
      const result = await sender(batchOfTwo(), context);
      expect(result.batchItemFailures).toEqual([]);
      expect(seen).toHaveLength(2);
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      const [write] = ddb.commandCalls(TransactWriteCommand);
      const updates = write!.args[0].input.TransactItems!.map((i) => i.Update!);
      expect(updates.map((u) => u.Key!.sk).sort()).toEqual([delivery().id, second.id].sort());
      expect(
        updates.every((u) => u.ConditionExpression === 'round = :expectedRound AND step = :expectedStep'),
      ).toBe(true);
    });

    it('takes a refused transaction apart: a save whose condition failed is dropped, the others saved alone', async () => {
      ddb
        .on(TransactWriteCommand)
        .callsFake((input: { TransactItems: Array<{ Update: { Key: { sk: string } } }> }) => {
          throw new TransactionCanceledException({
            message: 'cancelled',
            $metadata: {},
            CancellationReasons: input.TransactItems.map((i) => ({
              Code: i.Update.Key.sk === second.id ? 'ConditionalCheckFailed' : 'None',
            })),
          });
        });
      ddb.on(UpdateCommand).resolves({});
      const result = await sender(batchOfTwo(), context);
      expect(result.batchItemFailures).toEqual([]);
      const alone = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key!.sk);
      expect(alone).toEqual([delivery().id]);
    });
  });

  it('drops a message of an earlier round (a retry superseded it) without a POST', async () => {
    stored(subscription({ url }), delivery({ round: 1 }));
    await sender(sqsEvent(message({ round: 0 })), context);
    expect(seen).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
