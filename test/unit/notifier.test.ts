/**
 * The notifier and the archiver against mocked DynamoDB and SES: duplicates send once, a poison
 * record is reported as a batch item failure, SES throttling is retried.
 */

import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { commands, received, run } from '../support/leads.js';
import { streamRecord } from '../support/streams.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  MAIL_FROM: 'Partner Referrals <no-reply@referrals.example>',
  SES_CONFIGURATION_SET: 'referrals',
});
const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const { handler: notifier } = await import('../../functions/notifier/handler.js');
const { handler: archiver } = await import('../../functions/archiver/handler.js');
const context = { awsRequestId: 'r', functionName: 'notifier' } as Context;

// Markup that intake accepts; line breaks it refuses (an image holding one fails, see below).
const hostile = 'Evil "Bcc: victim@example.com" <script>x</script>';
const lead = received({
  customer: { companyName: hostile, contactName: '<b>Ana</b>', email: 'ana@fabrikam.example', country: 'IT' },
  need: { title: `${hostile} & more` },
});
const declined = run(lead, commands.decline);
const declineRecord = () =>
  streamRecord({
    eventName: 'MODIFY',
    oldItem: toItem(lead),
    newItem: toItem(declined),
    sequenceNumber: '7',
  });

/** An in-memory marker table: claims succeed once, like the conditional put does. */
function markers() {
  const reserved = new Set<string>();
  ddb.on(PutCommand).callsFake((input: { Item: { pk: string; sk: string } }) => {
    const key = `${input.Item.pk}|${input.Item.sk}`;
    if (reserved.has(key)) throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
    reserved.add(key);
    return {};
  });
  ddb.on(DeleteCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
    reserved.delete(`${input.Key.pk}|${input.Key.sk}`);
    return {};
  });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  return reserved;
}

beforeEach(() => {
  ddb.reset();
  ses.reset();
});

describe('notifier', () => {
  it('emails a declined customer once, even when the record arrives twice', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const result = await notifier({ Records: [declineRecord(), declineRecord()] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual(['ana@fabrikam.example']);
    expect(input.ConfigurationSetName).toBe('referrals');
    expect(input.FromEmailAddress).toBe('Partner Referrals <no-reply@referrals.example>');
    const subject = input.Content?.Simple?.Subject?.Data ?? '';
    expect(subject).not.toMatch(/[\r\n]/);
    const html = input.Content?.Simple?.Body?.Html?.Data ?? '';
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>Ana</b>');
    expect(html).toContain('&lt;script&gt;');
    expect(input.Content?.Simple?.Body?.Text?.Data).toContain(lead.id);
  });

  it('parses each image with the lead schema: one holding what intake refuses fails alone and sends nothing', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-5' });
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
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('fails a batch it cannot deliver at all, releasing the reservation so the retry can send', async () => {
    const reserved = markers();
    ses.on(SendEmailCommand).rejects(new Error('SES is down'));
    await expect(notifier({ Records: [declineRecord()] }, context)).rejects.toThrow(FullBatchFailureError);
    expect(reserved.size).toBe(0);
  });

  it('SES throttling that outlasts the SDK retries goes back to the stream, and the redelivery sends once', async () => {
    markers();
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'slow down', $metadata: {} }))
      .resolves({ MessageId: 'm-2' });
    const other = streamRecord({ eventName: 'INSERT', newItem: toItem(lead), sequenceNumber: '8' });
    const first = await notifier({ Records: [declineRecord(), other] }, context);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
    const retry = await notifier({ Records: [declineRecord()] }, context);
    expect(retry.batchItemFailures).toEqual([]);
    const customers = ses
      .commandCalls(SendEmailCommand)
      .filter((c) => c.args[0].input.Destination?.ToAddresses?.[0] === 'ana@fabrikam.example');
    expect(customers).toHaveLength(2); // the throttled attempt, then the one that went out
  });

  it('builds its SES client with SDK retries for throttling', async () => {
    const { sesClient } = await import('../../functions/shared/mail-runtime.js');
    expect(await sesClient.config.maxAttempts()).toBeGreaterThanOrEqual(5);
  });

  it('a poison record fails alone; the rest of the batch is delivered', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-3' });
    // A declined lead whose image has no customer: nobody to write to, whatever the retries.
    const poison = streamRecord({
      eventName: 'MODIFY',
      oldItem: toItem(lead),
      newItem: { ...toItem(declined), id: '01JD0000000000000000000009', customer: null },
      sequenceNumber: '9',
    });
    const result = await notifier({ Records: [poison, declineRecord()] }, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '9' }]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('alerts every profile contact of a new lead, and sends nothing for a partner without a profile', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-4' });
    const profile = {
      locations: [
        {
          name: 'Milano',
          country: 'IT',
          contacts: [
            { name: 'A', email: 'a@contoso.example' },
            { name: 'B', email: 'B@contoso.example' },
          ],
        },
        { name: 'Roma', country: 'IT', contacts: [{ name: 'B again', email: 'b@contoso.example' }] },
      ],
    };
    ddb.on(GetCommand, { Key: { pk: 'PARTNER#contoso', sk: 'PROFILE' } }).resolves({ Item: profile });
    await notifier({ Records: [streamRecord({ eventName: 'INSERT', newItem: toItem(lead) })] }, context);
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual(['a@contoso.example', 'b@contoso.example']);
    expect(input.Content?.Simple?.Subject?.Data).toMatch(/^Urgent: contact requested/);

    ddb.on(GetCommand, { Key: { pk: 'PARTNER#contoso', sk: 'PROFILE' } }).resolves({});
    const other = received({ partnerId: 'contoso' });
    other.id = '01JD0000000000000000000001';
    await notifier({ Records: [streamRecord({ eventName: 'INSERT', newItem: toItem(other) })] }, context);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('tells the sender of an expiry at its registered address', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-5' });
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
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Destination?.ToAddresses).toEqual(['referrals@microsoft.example']);
    expect(input.Content?.Simple?.Subject?.Data).toContain(lead.id);
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

  it('expires the lead of a TTL-deleted timer with one conditional write', async () => {
    ddb
      .on(UpdateCommand)
      .resolves({ Attributes: toItem(run(lead, commands.expire, new Date('2026-12-10T00:00:00.000Z'))) });
    const result = await archiver(
      { Records: [streamRecord({ eventName: 'REMOVE', oldItem: timer, ttl: true })] },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    const values = Object.values(
      ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues ?? {},
    );
    expect(values).toEqual(expect.arrayContaining(['contoso', 'received']));
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
