/**
 * Fair use: the window arithmetic and limits (pure), the counter's one conditional write, and the
 * handlers' 429 with Retry-After (mocked DynamoDB).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import fc from 'fast-check';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import {
  checkFairUse,
  type FairUseCounter,
  limitOf,
  parseFairUseLimits,
  retryAfterSeconds,
  windowAt,
} from '../../functions/domain/fair-use.js';
import { apiEvent, call, partnerClaims, senderClaims } from '../support/events.js';
import { received } from '../support/leads.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  CURSOR_SECRET: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  FAIR_USE_WINDOW: 'PT1M',
  FAIR_USE_SENDER_LIMIT: '1200',
  FAIR_USE_PARTNER_LIMIT: '600',
  FAIR_USE_OVERRIDES: 'partner:unlimited=0',
});
const ddb = mockClient(DynamoDBDocumentClient);
const { handler: getLead } = await import('../../functions/get-lead/handler.js');
const { handler: listSentLeads } = await import('../../functions/list-sent-leads/handler.js');
const { handler: health } = await import('../../functions/health/handler.js');
const { handler: accept } = await import('../../functions/accept-lead/handler.js');

const limits = parseFairUseLimits({ window: 'PT1M', sender: '5', partner: '3', overrides: '' });

/** A counter in memory, as the table keeps it: one count per client and window. */
function memoryCounter(): FairUseCounter & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    admit: async (client, window, limit) => {
      const key = `${client.kind}:${client.id}#${window.start}`;
      const n = counts.get(key) ?? 0;
      if (n >= limit) return false;
      counts.set(key, n + 1);
      return true;
    },
  };
}

describe('fair-use arithmetic', () => {
  it('puts every moment in the one window that contains it, aligned on the epoch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 3_600_000 }), (now, size) => {
        const w = windowAt(now, size);
        expect(w.start).toBeLessThanOrEqual(now);
        expect(w.end).toBeGreaterThan(now);
        expect(w.end - w.start).toBe(size);
        expect(w.start % size).toBe(0);
      }),
    );
  });

  it('says to retry when the window ends, in whole seconds and never 0', () => {
    expect(retryAfterSeconds({ start: 0, end: 60_000 }, 0)).toBe(60);
    expect(retryAfterSeconds({ start: 0, end: 60_000 }, 59_001)).toBe(1);
    expect(retryAfterSeconds({ start: 0, end: 60_000 }, 59_999)).toBe(1);
    expect(retryAfterSeconds({ start: 0, end: 60_000 }, 30_500)).toBe(30);
  });

  it('takes an override before its kind, and 0 as no limit', () => {
    const parsed = parseFairUseLimits({
      window: 'PT10S',
      sender: '100',
      partner: '0',
      overrides: ' sender:big-sender=5000 , partner:noisy=2',
    });
    expect(parsed.windowMs).toBe(10_000);
    expect(limitOf({ kind: 'sender', id: 'x1' }, parsed)).toBe(100);
    expect(limitOf({ kind: 'sender', id: 'big-sender' }, parsed)).toBe(5000);
    expect(limitOf({ kind: 'partner', id: 'quiet' }, parsed)).toBeUndefined();
    expect(limitOf({ kind: 'partner', id: 'noisy' }, parsed)).toBe(2);
  });

  it.each([
    [{ window: 'one minute', sender: '1', partner: '1', overrides: '' }, /duration/],
    [{ window: 'PT1M', sender: '-1', partner: '1', overrides: '' }, /sender limit/],
    [{ window: 'PT1M', sender: '1', partner: '1.5', overrides: '' }, /partner limit/],
    [{ window: 'PT1M', sender: '1', partner: '1', overrides: 'contoso=3' }, /override/],
  ])('refuses malformed settings %#', (settings, message) => {
    expect(() => parseFairUseLimits(settings)).toThrow(message);
  });

  it('admits exactly the limit per client and window, and each client separately', async () => {
    const counter = memoryCounter();
    const t = 120_000 + 15_000;
    const verdicts = [];
    for (let i = 0; i < 5; i++)
      verdicts.push(await checkFairUse({ kind: 'partner', id: 'a' }, limits, counter, t));
    expect(verdicts.map((v) => v.admitted)).toEqual([true, true, true, false, false]);
    expect(verdicts[3]).toEqual({ admitted: false, retryAfterSeconds: 45, limit: 3 });
    // Another partner, and a sender of the same id, count on their own.
    expect((await checkFairUse({ kind: 'partner', id: 'b' }, limits, counter, t)).admitted).toBe(true);
    expect((await checkFairUse({ kind: 'sender', id: 'a' }, limits, counter, t)).admitted).toBe(true);
    // The next window starts from nothing.
    expect((await checkFairUse({ kind: 'partner', id: 'a' }, limits, counter, 180_000)).admitted).toBe(true);
  });

  it('never counts a client without a limit', async () => {
    const counter = memoryCounter();
    const off = parseFairUseLimits({ window: 'PT1M', sender: '0', partner: '0', overrides: '' });
    expect(await checkFairUse({ kind: 'sender', id: 's' }, off, counter, 0)).toEqual({ admitted: true });
    expect(counter.counts.size).toBe(0);
  });
});

describe('fair use on the handlers', () => {
  const id = '01JD0000000000000000000000';
  const getLeadEvent = (claims = partnerClaims()) =>
    apiEvent({ path: `/v1/leads/${id}`, pathParameters: { id }, claims });
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: toItem(received()) });
  });

  it('counts a partner request with one conditional ADD on its window, then serves it', async () => {
    const response = await call(getLead, getLeadEvent());
    expect(response.status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key?.pk).toMatch(/^FAIRUSE#partner:contoso#\d+$/);
    expect(Number(String(input.Key?.pk).split('#')[2]) % 60_000).toBe(0);
    expect(input.UpdateExpression).toContain('ADD');
    expect(input.ConditionExpression).toBe('attribute_not_exists(#count) OR #count < :limit');
    expect(input.ExpressionAttributeValues?.[':limit']).toBe(600);
  });

  const full = () =>
    ddb
      .on(UpdateCommand, { Key: { sk: 'FAIRUSE' } }, false)
      .rejects(new ConditionalCheckFailedException({ message: 'full', $metadata: {} }));

  it('answers a read over the limit with 429 problem+json and Retry-After (counted while it read)', async () => {
    full();
    const response = await call(getLead, getLeadEvent());
    expect(response.status).toBe(429);
    expect(response.headers['content-type']).toBe('application/problem+json');
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(response.body).toMatchObject({ status: 429, code: 'too-many-requests' });
    expect(JSON.stringify(response.body)).not.toContain('Fabrikam');
  });

  it('answers 429, not the 404, when a read over the limit finds nothing', async () => {
    full();
    ddb.on(GetCommand).resolves({});
    expect((await call(getLead, getLeadEvent())).status).toBe(429);
  });

  it('refuses a write over the limit before making it', async () => {
    full();
    const response = await call(
      accept,
      apiEvent({
        method: 'POST',
        path: `/v1/leads/${id}/accept`,
        pathParameters: { id },
        body: {
          deal: { name: 'ERP', value: { amount: 1, currency: 'EUR' }, estimatedCloseDate: '2027-01-31' },
        },
      }),
    );
    expect(response.status).toBe(429);
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.sk)).toEqual(['FAIRUSE']);
  });

  it('counts a sender by its sender id, at the sender limit', async () => {
    ddb.on(GetCommand).resolves({
      Item: { id: 'microsoft-marketing', kind: 'microsoft', name: 'MS', notificationEmail: 'r@ms.example' },
    });
    await call(listSentLeads, apiEvent({ path: '/v1/sent-leads', claims: senderClaims() }));
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key?.pk).toMatch(/^FAIRUSE#sender:microsoft-marketing#\d+$/);
    expect(input.ExpressionAttributeValues?.[':limit']).toBe(1200);
  });

  it('admits the request when the counter cannot be reached (never a 5xx for fair use)', async () => {
    ddb.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const response = await call(getLead, getLeadEvent());
    expect(response.status).toBe(200);
  });

  it('does not count a client whose override is 0, nor a public route, nor a refused token', async () => {
    ddb.on(GetCommand).resolves({ Item: toItem(received({ partnerId: 'unlimited' })) });
    expect((await call(getLead, getLeadEvent(partnerClaims('unlimited')))).status).toBe(200);
    expect((await call(health, apiEvent({ path: '/v1/health', claims: null }))).status).toBe(200);
    expect((await call(getLead, getLeadEvent(partnerClaims('contoso', 'guest')))).status).toBe(403);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });
});
