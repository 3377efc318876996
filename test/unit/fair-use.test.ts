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
  afterReservation,
  checkFairUse,
  clientName,
  type FairUseClient,
  type FairUseCounter,
  FairUseLeases,
  type FairUseReserver,
  freshLease,
  leaseSize,
  limitOf,
  nextStep,
  parseFairUseLimits,
  retryAfterSeconds,
  type Window,
  windowAt,
} from '../../functions/domain/fair-use.js';
import { fairUseGate } from '../../functions/shared/fair-use-runtime.js';
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
    // The whole entry, anchored at both ends (an environment value may hold a line break).
    [{ window: 'PT1M', sender: '1', partner: '1', overrides: 'xsender:contoso=3' }, /override/],
    [{ window: 'PT1M', sender: '1', partner: '1', overrides: 'sender:contoso=3\nx' }, /override/],
    [
      { window: 'PT1M', sender: '1', partner: '1', overrides: 'partner:noisy=-2' },
      'the override of partner:noisy must be a whole number, 0 or more; got "-2"',
    ],
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

/** The table's count in memory: a reservation is granted if the window stays within its limit. */
function memoryReserver(): FairUseReserver & { counts: Map<string, number>; calls: number } {
  const counts = new Map<string, number>();
  const store = {
    counts,
    calls: 0,
    reserve: async (client: FairUseClient, window: Window, units: number, limit: number) => {
      store.calls++;
      const key = `${client.kind}:${client.id}#${window.start}`;
      const n = counts.get(key) ?? 0;
      if (n + units > limit) return false;
      counts.set(key, n + units);
      return true;
    },
  };
  return store;
}

describe('fair-use leases', () => {
  const client: FairUseClient = { kind: 'partner', id: 'a' };
  const window = windowAt(0, 60_000);
  const key = `partner:a#${window.start}`;

  it('leases 2% of the limit, at least 1 and at most 20', () => {
    expect([1, 3, 49, 99, 100, 600, 1000, 1200, 5000, 1e9].map(leaseSize)).toEqual([
      1, 1, 1, 1, 2, 12, 20, 20, 20, 20,
    ]);
  });

  it('serves from the lease, reserves when it is spent, one at a time after a lease is refused, then refuses', () => {
    let lease = freshLease(window);
    expect(nextStep(lease, 600)).toEqual({ kind: 'reserve', units: 12 });
    lease = afterReservation(lease, 12, true);
    expect(lease.left).toBe(11);
    expect(nextStep(lease, 600)).toEqual({ kind: 'serve' });
    lease = afterReservation({ ...lease, left: 0 }, 12, false);
    expect(nextStep(lease, 600)).toEqual({ kind: 'reserve', units: 1 });
    lease = afterReservation(lease, 1, false);
    expect(nextStep(lease, 600)).toEqual({ kind: 'refuse' });
  });

  it('sends one write per lease, and none for a refusal once the window is known full', async () => {
    const store = memoryReserver();
    const leases = new FairUseLeases(store);
    const verdicts: boolean[] = [];
    for (let i = 0; i < 130; i++) verdicts.push(await leases.admit(client, window, 110));
    expect(verdicts.filter(Boolean).length).toBe(110);
    expect(verdicts.slice(110)).toEqual(Array(20).fill(false));
    // 55 leases of 2, then one refused lease of 2 and one refused lease of 1; no more writes after.
    expect(store.counts.get(key)).toBe(110);
    expect(store.calls).toBe(57);
  });

  it('starts every window afresh: a lease dies with its window', async () => {
    const store = memoryReserver();
    const leases = new FairUseLeases(store);
    await leases.admit(client, window, 1000);
    expect(leases.unspent(client, window)).toBe(19);
    const next = windowAt(window.end, 60_000);
    expect(leases.unspent(client, next)).toBe(0);
    expect(await leases.admit(client, next, 1000)).toBe(true);
    expect(leases.unspent(client, next)).toBe(19);
    expect(store.counts.get(`partner:a#${next.start}`)).toBe(20);
  });

  it('never grants more than the limit in a window, across containers and any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 600 }),
        async (s, limit, requests) => {
          const store = memoryReserver();
          const slow: FairUseReserver = { reserve: s.scheduleFunction(store.reserve) };
          const containers = [0, 1, 2, 3].map(() => new FairUseLeases(slow));
          const verdicts = requests.map((c) => containers[c]!.admit(client, window, limit));
          await s.waitAll();
          const granted = (await Promise.all(verdicts)).filter(Boolean).length;
          const count = store.counts.get(key) ?? 0;
          const unspent = containers.reduce((sum, c) => sum + c.unspent(client, window), 0);
          expect(count).toBeLessThanOrEqual(limit);
          // Every unit the table counted was either served or is still held by a container.
          expect(granted + unspent).toBe(count);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('grants all of the limit to one container, then refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 30 }),
        async (limit, extra) => {
          const leases = new FairUseLeases(memoryReserver());
          let granted = 0;
          for (let i = 0; i < limit + extra; i++) if (await leases.admit(client, window, limit)) granted++;
          expect(granted).toBe(limit);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('loses to idle containers at most a lease each less one: the rest goes to the busy one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 8 }),
        async (limit, idle) => {
          const store = memoryReserver();
          const others = Array.from({ length: idle }, () => new FairUseLeases(store));
          let granted = 0;
          for (const other of others) if (await other.admit(client, window, limit)) granted++;
          const busy = new FairUseLeases(store);
          while (await busy.admit(client, window, limit)) granted++;
          const unspent = others.reduce((sum, o) => sum + o.unspent(client, window), 0);
          expect(unspent).toBeLessThanOrEqual(idle * (leaseSize(limit) - 1));
          expect(granted + unspent).toBe(limit);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('fair-use leases kept in memory', () => {
  const client: FairUseClient = { kind: 'partner', id: 'a' };
  const window = windowAt(60_000, 60_000);
  const next = windowAt(window.end, 60_000);

  it('keeps the newer window’s lease when a request of the ended window finishes after it', async () => {
    let release: (granted: boolean) => void = () => {};
    const slow: FairUseReserver = {
      reserve: (_client, w) =>
        w.start === window.start
          ? new Promise<boolean>((resolve) => (release = resolve))
          : Promise.resolve(true),
    };
    const leases = new FairUseLeases(slow);
    const late = leases.admit(client, window, 1000);
    expect(await leases.admit(client, next, 1000)).toBe(true);
    release(true);
    expect(await late).toBe(true);
    expect(leases.unspent(client, next)).toBe(19);
    expect(leases.unspent(client, window)).toBe(0);
  });

  it('drops the leases of ended windows once it holds 10,000, and keeps those of the current one', async () => {
    const leases = new FairUseLeases(memoryReserver());
    for (let i = 0; i < 9_999; i++) await leases.admit({ kind: 'partner', id: `old-${i}` }, window, 1000);
    await leases.admit({ kind: 'sender', id: 'current' }, next, 1000);
    expect(leases.unspent({ kind: 'partner', id: 'old-0' }, window)).toBe(19);
    // The 10,001st client: the ended window's leases go, the current window's stays.
    await leases.admit({ kind: 'partner', id: 'new' }, next, 1000);
    expect(leases.unspent({ kind: 'partner', id: 'old-0' }, window)).toBe(0);
    expect(leases.unspent({ kind: 'sender', id: 'current' }, next)).toBe(19);
    expect(leases.unspent({ kind: 'partner', id: 'new' }, next)).toBe(19);
    leases.clear();
    expect(leases.unspent({ kind: 'partner', id: 'new' }, next)).toBe(0);
  });

  it('names a client by kind and id', () => {
    expect(clientName({ kind: 'sender', id: 'microsoft' })).toBe('sender:microsoft');
  });
});

describe('fair use on the handlers', () => {
  const id = '01JD0000000000000000000000';
  const getLeadEvent = (claims = partnerClaims()) =>
    apiEvent({ path: `/v1/leads/${id}`, pathParameters: { id }, claims });
  beforeEach(() => {
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: toItem(received()) });
    // Each test starts as a fresh container.
    fairUseGate().counter.clear();
  });

  it('leases a partner 12 of its 600 requests with one conditional ADD, then serves 11 more without a write', async () => {
    const response = await call(getLead, getLeadEvent());
    expect(response.status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key?.pk).toMatch(/^FAIRUSE#partner:contoso#\d+$/);
    expect(Number(String(input.Key?.pk).split('#')[2]) % 60_000).toBe(0);
    expect(input.UpdateExpression).toContain('ADD #count :units');
    expect(input.ConditionExpression).toBe('attribute_not_exists(#count) OR #count <= :most');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':units': 12, ':most': 588 });
    for (let i = 0; i < 11; i++) expect((await call(getLead, getLeadEvent())).status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    // The 13th request starts the next lease.
    expect((await call(getLead, getLeadEvent())).status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 2);
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
    // A lease of 12 refused, then a lease of 1: the window is full, and the lead is never written.
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.sk)).toEqual([
      'FAIRUSE',
      'FAIRUSE',
    ]);
  });

  it('counts a sender by its sender id, at the sender limit', async () => {
    ddb.on(GetCommand).resolves({
      Item: { id: 'microsoft-marketing', kind: 'microsoft', name: 'MS', notificationEmail: 'r@ms.example' },
    });
    await call(listSentLeads, apiEvent({ path: '/v1/sent-leads', claims: senderClaims() }));
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key?.pk).toMatch(/^FAIRUSE#sender:microsoft-marketing#\d+$/);
    expect(input.ExpressionAttributeValues).toMatchObject({ ':units': 20, ':most': 1180 });
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
