/**
 * The email sender and the SES events consumer against mocked SQS, SES and DynamoDB: each queued
 * email goes out once however often it is received, a failed send is hidden for its backoff delay
 * and reported as a batch item failure with its reservation given back, a message no retry can fix
 * is sent round at once (to the dead-letter queue), and bounces and complaints suppress addresses.
 */
import { BadRequestException, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { EmailMessage } from '../../functions/domain/email-message.js';
import { queueDefinitions } from '../../functions/queue/definitions.js';
import { sesEvent } from '../../local/ses.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  MAIL_FROM: 'Partner Referrals <no-reply@referrals.example>',
  SES_CONFIGURATION_SET: 'referrals',
  EMAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/emails',
  SES_EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/ses-events',
});
const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sqs = mockClient(SQSClient);
const { handler: sender } = await import('../../functions/email-sender/handler.js');
const { handler: sesEvents } = await import('../../functions/ses-events/handler.js');
const context = { awsRequestId: 'r', functionName: 'email-sender' } as Context;

const message: EmailMessage = {
  version: 1,
  key: { type: 'lead', leadId: '01JD0000000000000000000000', kind: 'lead-declined' },
  to: ['ana@fabrikam.example'],
  subject: 'Your request 01JD0000000000000000000000: please choose another partner',
  text: 'Hello',
  html: '<p>Hello</p>',
  tags: { notification: 'lead-declined' },
  queuedAt: '2026-11-25T10:00:00.000Z',
};

let n = 0;
const record = (
  body: unknown,
  receiveCount = 1,
  group = 'lead:01JD0000000000000000000000:lead-declined',
): SQSRecord => {
  n += 1;
  return {
    messageId: `m-${n}`,
    receiptHandle: `receipt-${n}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:1:emails',
    awsRegion: 'eu-west-1',
  };
};

/** An in-memory marker table: BatchGetItem reads it, BatchWriteItem records sent emails. */
function markers() {
  const state = new Map<string, string>();
  ddb
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: Array<{ pk: string }> }> }) => ({
      Responses: {
        leads: (input.RequestItems.leads?.Keys ?? [])
          .filter((key) => state.has(key.pk))
          .map((key) => ({ pk: key.pk, state: state.get(key.pk) })),
      },
    }));
  ddb
    .on(BatchWriteCommand)
    .callsFake(
      (input: {
        RequestItems: Record<string, Array<{ PutRequest: { Item: { pk: string; state: string } } }>>;
      }) => {
        for (const request of input.RequestItems.leads ?? []) {
          state.set(request.PutRequest.Item.pk, request.PutRequest.Item.state);
        }
        return {};
      },
    );
  ddb.on(UpdateCommand).resolves({});
  return state;
}

const delays = () =>
  sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout);

beforeEach(() => {
  ddb.reset();
  ses.reset();
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

describe('email sender', () => {
  it('sends a queued email once, with its tags and the configuration set, even when received again', async () => {
    const state = markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const result = await sender({ Records: [record(message)] }, context);
    expect(result.batchItemFailures).toEqual([]);
    // Received again (SQS delivers at least once): sent already, so only deleted.
    expect((await sender({ Records: [record(message)] }, context)).batchItemFailures).toEqual([]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'Partner Referrals <no-reply@referrals.example>',
      Destination: { ToAddresses: ['ana@fabrikam.example'] },
      ConfigurationSetName: 'referrals',
      EmailTags: [{ Name: 'notification', Value: 'lead-declined' }],
    });
    // One read before each batch and one write after the batch that sent: never one per email.
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 1);
    expect(state.get('EMAIL#01JD0000000000000000000000#lead-declined')).toBe('sent');
  });

  it('two copies in one batch (queued more than 5 minutes apart) send once', async () => {
    markers();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    const result = await sender({ Records: [record(message), record(message)] }, context);
    expect(result.batchItemFailures).toEqual([]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('an SES outage hides the message for its backoff delay, and the retry after it sends once', async () => {
    const state = markers();
    ses.on(SendEmailCommand).rejects(new Error('SES is down'));
    const other = {
      ...message,
      key: { ...message.key, leadId: '01JD0000000000000000000001' },
    } as EmailMessage;
    const first = await sender(
      { Records: [record(message, 3), record(other, 1, 'lead:01JD0000000000000000000001:lead-declined')] },
      context,
    );
    // Each failed alone: a FIFO group only holds back its own later messages.
    expect(first.batchItemFailures).toHaveLength(2);
    // Third receive: base 30 s doubled twice is 120 s, with equal jitter between 60 and 120.
    const [delay] = delays();
    expect(delay).toBeGreaterThanOrEqual(60);
    expect(delay).toBeLessThanOrEqual(120);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/emails',
    });
    expect(state.size).toBe(0);

    const failedAttempts = ses.commandCalls(SendEmailCommand).length;
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    expect((await sender({ Records: [record(message, 4)] }, context)).batchItemFailures).toEqual([]);
    expect((await sender({ Records: [record(message, 5)] }, context)).batchItemFailures).toEqual([]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, failedAttempts + 1);
  });

  it('never waits longer than the cap', async () => {
    markers();
    ses.on(SendEmailCommand).rejects(new Error('down'));
    await sender({ Records: [record(message, 40)] }, context);
    expect(delays()[0]).toBeLessThanOrEqual(queueDefinitions.emails.backoff.capSeconds);
    expect(delays()[0]).toBeGreaterThanOrEqual(queueDefinitions.emails.backoff.capSeconds / 2);
  });

  it('sends a malformed message, or one SES refuses as malformed, round at once towards the dead-letter queue', async () => {
    markers();
    const result = await sender(
      { Records: [record('not json', 1, 'g1'), record({ ...message, to: [] }, 1, 'g2')] },
      context,
    );
    expect(result.batchItemFailures).toHaveLength(2);
    expect(delays()).toEqual([0, 0]);
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);

    ses.on(SendEmailCommand).rejects(new BadRequestException({ message: 'bad', $metadata: {} }));
    sqs.resetHistory();
    await sender({ Records: [record(message)] }, context);
    expect(delays()).toEqual([0]);
  });
});

describe('SES events', () => {
  it('suppresses a hard-bounced address and a complaining one, lower-cased', async () => {
    ddb.on(UpdateCommand).resolves({});
    const result = await sesEvents(
      {
        Records: [
          record(sesEvent('bounce', 'Desk@Contoso.example')),
          record(sesEvent('complaint', 'boss@contoso.example')),
        ],
      },
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'SUPPRESSED#desk@contoso.example', sk: 'SUPPRESSED' },
      ExpressionAttributeValues: expect.objectContaining({ ':reason': 'bounce' }),
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'SUPPRESSED#boss@contoso.example', sk: 'SUPPRESSED' },
      ExpressionAttributeValues: expect.objectContaining({ ':reason': 'complaint' }),
    });
  });

  it('ignores soft bounces, and sends an unreadable event round at once', async () => {
    const soft = sesEvent('bounce', 'full@contoso.example');
    soft.detail.bounce!.bounceType = 'Transient';
    const result = await sesEvents({ Records: [record(soft), record({ hello: 'world' })] }, context);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: `m-${n}` }]);
    expect(delays()).toEqual([0]);
  });
});
