/**
 * The notifier and the archiver against mocked DynamoDB and SQS: each notification becomes one
 * complete message on the email queue (recipients resolved, content rendered and escaped, the
 * marker key), only confirmed and unsuppressed contacts are alerted, a saved profile queues
 * confirmation links once, and a record that cannot be queued fails alone, logged by its keys.
 */
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { type EmailMessage, emailMessageSchema } from '../../functions/domain/email-message.js';
import { commands, received, run } from '../support/leads.js';
import { streamRecord } from '../support/streams.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  EMAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/emails',
  PUBLIC_API_URL: 'https://api.example/',
});
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const { handler: notifier } = await import('../../functions/notifier/handler.js');
const { handler: archiver } = await import('../../functions/archiver/handler.js');
const context = { awsRequestId: 'r', functionName: 'notifier' } as Context;

// Markup that intake accepts; line breaks it refuses (an image holding one fails, see below).
const hostile = 'Evil "Bcc: victim@example.com" <script>x</script>';
const lead = received({
  customer: { companyName: hostile, contactName: '<b>Ana</b>', email: 'Ana@Fabrikam.example', country: 'IT' },
  need: { title: `${hostile} & more` },
});
const declined = run(lead, commands.decline);
const declineRecord = (sequenceNumber = '7') =>
  streamRecord({ eventName: 'MODIFY', oldItem: toItem(lead), newItem: toItem(declined), sequenceNumber });

/** The entries of every batch sent to the email queue. */
const entries = (): SendMessageBatchRequestEntry[] =>
  sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
/** The messages put on the email queue, parsed with the schema the email sender reads them with. */
const queued = (): EmailMessage[] =>
  entries().map((e) => emailMessageSchema.parse(JSON.parse(e.MessageBody ?? '')));
/** SQS's answer to a batch: every entry taken but those with the ids in `refused`. */
const answer =
  (...refused: string[]) =>
  (input: { Entries?: SendMessageBatchRequestEntry[] }) => ({
    Successful: (input.Entries ?? [])
      .filter((e) => !refused.includes(e.Id ?? ''))
      .map((e) => ({ Id: e.Id, MessageId: `q-${e.Id}`, MD5OfMessageBody: '' })),
    Failed: refused.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })),
  });

const profile = {
  pk: 'PARTNER#contoso',
  sk: 'PROFILE',
  entity: 'profile',
  partnerId: 'contoso',
  keywords: [],
  companySizes: [],
  industries: [],
  version: 3,
  updatedAt: '2026-11-25T10:00:00.000Z',
  locations: [
    {
      name: 'Milano',
      country: 'IT',
      contacts: [
        { name: 'A', email: 'a@contoso.example' },
        { name: 'B', email: 'B@contoso.example' },
        { name: 'C', email: 'c@contoso.example' },
      ],
    },
    { name: 'Roma', country: 'IT', contacts: [{ name: 'B again', email: 'b@contoso.example' }] },
  ],
};
const contact = (address: string, status: 'pending' | 'confirmed', extra: object = {}) => ({
  pk: 'PARTNER#contoso',
  sk: `CONTACT#${address}`,
  address,
  status,
  ...extra,
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(answer());
  ddb.on(BatchGetCommand).resolves({ Responses: { leads: [] } });
});

describe('notifier', () => {
  it('queues the declined customer one complete message, escaped, keyed on the lead and kind', async () => {
    const result = await notifier({ Records: [declineRecord()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    const [message] = queued();
    expect(message).toMatchObject({
      key: { type: 'lead', leadId: lead.id, kind: 'lead-declined' },
      to: ['ana@fabrikam.example'],
      tags: { notification: 'lead-declined' },
    });
    // Nothing a sender or customer wrote reaches the subject.
    expect(message!.subject).toBe(`Your request ${lead.id}: please choose another partner`);
    expect(message!.html).not.toContain('<script>');
    expect(message!.html).not.toContain('<b>Ana</b>');
    expect(message!.html).toContain('&lt;script&gt;');
    expect(message!.text).toContain(lead.id);
    // FIFO: one group per email, and a copy queued again within 5 minutes is dropped by SQS.
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/emails',
    });
    expect(entries()).toStrictEqual([
      {
        Id: '0',
        MessageBody: expect.any(String),
        MessageGroupId: `lead:${lead.id}:lead-declined`,
        MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('parses each image with the lead schema: one holding what intake refuses fails alone and queues nothing', async () => {
    const injected = {
      ...toItem(declined),
      customer: { ...lead.customer, companyName: 'Evil\r\nBcc: x@example.com' },
    };
    const record = streamRecord({
      eventName: 'MODIFY',
      oldItem: toItem(lead),
      newItem: injected,
      sequenceNumber: '5',
    });
    const result = await notifier({ Records: [record, declineRecord()] }, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '5' }]);
    expect(entries()).toHaveLength(1);
  });

  it('alerts only the confirmed, unsuppressed contacts of the profile, once each', async () => {
    ddb.on(GetCommand, { Key: { pk: 'PARTNER#contoso', sk: 'PROFILE' } }).resolves({ Item: profile });
    ddb.on(QueryCommand).resolves({
      Items: [
        contact('a@contoso.example', 'confirmed'),
        contact('b@contoso.example', 'confirmed'),
        contact('c@contoso.example', 'pending', { requestId: 'r1' }),
      ],
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { leads: [{ pk: 'SUPPRESSED#a@contoso.example' }] } });
    await notifier({ Records: [streamRecord({ eventName: 'INSERT', newItem: toItem(lead) })] }, context);
    const [message] = queued();
    expect(message!.to).toEqual(['b@contoso.example']);
    expect(message!.subject).toBe(`Urgent: New lead ${lead.id} for contoso (contact requested)`);
  });

  it("reads a partner's profile and contacts once per batch, however many of its leads arrive in it", async () => {
    ddb.on(GetCommand, { Key: { pk: 'PARTNER#contoso', sk: 'PROFILE' } }).resolves({ Item: profile });
    ddb.on(QueryCommand).resolves({ Items: [contact('b@contoso.example', 'confirmed')] });
    const leads = ['01KBQ00000000000000000000A', '01KBQ00000000000000000000B', '01KBQ00000000000000000000C'];
    const records = leads.map((id, i) =>
      streamRecord({ eventName: 'INSERT', newItem: toItem({ ...lead, id }), sequenceNumber: String(i + 1) }),
    );
    expect((await notifier({ Records: records }, context)).batchItemFailures).toEqual([]);
    expect(queued().map((m) => [m.key, m.to])).toEqual(
      leads.map((leadId) => [{ type: 'lead', leadId, kind: 'lead-received' }, ['b@contoso.example']]),
    );
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);

    // The next batch reads them again: a contact confirmed since is alerted.
    ddb.on(QueryCommand).resolves({
      Items: [contact('b@contoso.example', 'confirmed'), contact('c@contoso.example', 'confirmed')],
    });
    sqs.resetHistory();
    await notifier({ Records: records.slice(0, 1) }, context);
    expect(queued()[0]!.to.sort()).toEqual(['b@contoso.example', 'c@contoso.example']);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
  });

  it('a failed read of the recipients fails the records that needed it, and is not kept for the retry', async () => {
    ddb.on(GetCommand, { Key: { pk: 'PARTNER#contoso', sk: 'PROFILE' } }).resolves({ Item: profile });
    ddb
      .on(QueryCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Items: [contact('b@contoso.example', 'confirmed')] });
    const records = [1, 2].map((n) =>
      streamRecord({ eventName: 'INSERT', newItem: toItem(lead), sequenceNumber: String(n) }),
    );
    await expect(notifier({ Records: records }, context)).rejects.toThrow(FullBatchFailureError);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    // The stream's retry of the batch reads again.
    expect((await notifier({ Records: records }, context)).batchItemFailures).toEqual([]);
    expect(queued().map((m) => m.to)).toEqual([['b@contoso.example'], ['b@contoso.example']]);
  });

  it('queues nothing for a new lead nobody confirmed, and settles a reminder nobody may receive', async () => {
    ddb.on(GetCommand).resolves({ Item: profile });
    ddb.on(QueryCommand).resolves({ Items: [contact('a@contoso.example', 'pending', { requestId: 'r1' })] });
    ddb.on(PutCommand).resolves({});
    await notifier({ Records: [streamRecord({ eventName: 'INSERT', newItem: toItem(lead) })] }, context);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);

    const reminded = { ...lead, remindedAt: '2026-12-07T10:00:00.000Z' };
    await notifier(
      { Records: [streamRecord({ eventName: 'MODIFY', oldItem: toItem(lead), newItem: toItem(reminded) })] },
      context,
    );
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        pk: `EMAIL#${lead.id}#lead-reminder`,
        sk: 'EMAIL',
        state: 'no-recipients',
      }),
    });
  });

  it('tells the sender of an expiry at its registered address', async () => {
    ddb.on(GetCommand, { Key: { pk: 'SENDER#microsoft-marketing', sk: 'SENDER' } }).resolves({
      Item: {
        id: 'microsoft-marketing',
        kind: 'microsoft',
        name: 'MS',
        notificationEmail: 'referrals@microsoft.example',
      },
    });
    const expired = run(lead, commands.expire, new Date('2026-12-10T00:00:00.000Z'));
    await notifier(
      { Records: [streamRecord({ eventName: 'MODIFY', oldItem: toItem(lead), newItem: toItem(expired) })] },
      context,
    );
    expect(queued()[0]).toMatchObject({
      key: { kind: 'lead-expired' },
      to: ['referrals@microsoft.example'],
      subject: `Lead ${lead.id} expired: contoso did not answer`,
    });
  });

  it('a record whose message SQS refuses fails alone and is retried by the stream; the rest go out', async () => {
    sqs.on(SendMessageBatchCommand).callsFake(answer('0'));
    const result = await notifier({ Records: [declineRecord('7'), declineRecord('8')] }, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
    // One request for both.
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    expect(entries()).toHaveLength(2);
  });

  it('a batch request that fails fails the records it carried, and only those', async () => {
    sqs.on(SendMessageBatchCommand).rejectsOnce(new Error('SQS unavailable')).callsFake(answer());
    const records = Array.from({ length: 12 }, (_, i) => declineRecord(String(100 + i)));
    const result = await notifier({ Records: records }, context);
    // Ten to a request: the first request (records 100-109) failed, the second went out.
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 2,
    ]);
    expect(result.batchItemFailures).toEqual(
      records.slice(0, 10).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    );
  });

  it('sends a saved profile’s new addresses one confirmation link each, and none on a redelivery', async () => {
    const saved = { ...profile, locations: [profile.locations[0]!] };
    ddb.on(QueryCommand).resolves({ Items: [contact('a@contoso.example', 'confirmed')] });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const record = streamRecord({ eventName: 'MODIFY', oldItem: profile, newItem: saved });
    await notifier({ Records: [record] }, context);

    const messages = queued();
    expect(messages.map((m) => m.to[0]).sort()).toEqual(['b@contoso.example', 'c@contoso.example']);
    for (const message of messages) {
      expect(message.key).toMatchObject({ type: 'confirmation', partnerId: 'contoso' });
      expect(message.subject).toBe('Confirm your address for lead alerts from contoso');
      expect(message.text).toMatch(
        /https:\/\/api\.example\/v1\/contacts\/confirm\?token=[A-Za-z0-9_-]{43}\n/,
      );
    }
    // The token is stored hashed: no written item holds the one in the link.
    const token = /token=([A-Za-z0-9_-]{43})/.exec(messages[0]!.text)![1]!;
    const writes = JSON.stringify(ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input));
    expect(writes).not.toContain(token);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2); // each request marked queued

    // Redelivered after both were queued: nothing new goes out.
    sqs.resetHistory();
    ddb.on(QueryCommand).resolves({
      Items: [
        contact('a@contoso.example', 'confirmed'),
        contact('b@contoso.example', 'pending', { requestId: 'x', queuedAt: new Date().toISOString() }),
        contact('c@contoso.example', 'pending', { requestId: 'y', queuedAt: new Date().toISOString() }),
      ],
    });
    await notifier({ Records: [record] }, context);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });

  it('leaves a confirmation to whoever started it first (a concurrent redelivery)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'x', $metadata: {} }));
    await notifier({ Records: [streamRecord({ eventName: 'INSERT', newItem: profile })] }, context);
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });
});

describe('archiver', () => {
  const timer = {
    pk: `LEAD#${lead.id}`,
    sk: 'TIMER#EXPIRY',
    entity: 'timer',
    leadId: lead.id,
    partnerId: 'contoso',
    respondBy: lead.respondBy,
  };

  it('expires the lead of a TTL-deleted timer with one conditional write, reading nothing back', async () => {
    ddb.on(UpdateCommand).resolves({});
    const result = await archiver(
      { Records: [streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true })] },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['contoso', 'received']),
    );
    expect(input.ConditionExpression).toBeDefined();
    expect(input.ReturnValues).toBeUndefined();
    expect(input.ReturnValuesOnConditionCheckFailure).toBeUndefined();
  });

  it('ignores deletions that are not TTL expiries, and leads answered in time', async () => {
    await archiver({ Records: [streamRecord({ eventName: 'REMOVE', oldItem: timer })] }, context);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    ddb
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {}, Item: undefined }));
    const result = await archiver(
      { Records: [streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true })] },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
  });

  it('parses the timer: one without a valid lead id fails alone, and writes nothing', async () => {
    const broken = { ...timer, leadId: 'not-a-lead-id', sk: 'TIMER#EXPIRY' };
    const result = await archiver(
      { Records: [streamRecord({ eventName: 'REMOVE', oldItem: broken, ttl: true, sequenceNumber: '3' })] },
      context,
    ).catch((error: Error) => error);
    expect(result).toBeInstanceOf(FullBatchFailureError);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('reports a failing write for retry', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Attributes: toItem(run(lead, commands.expire, new Date('2026-12-10T00:00:00.000Z'))) });
    const result = await archiver(
      {
        Records: [
          streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true, sequenceNumber: '42' }),
          streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true, sequenceNumber: '43' }),
        ],
      },
      context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '42' }]);
  });
});
