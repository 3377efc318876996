/**
 * The pieces of durable delivery on their own: the backoff policy, the local queue's SQS
 * semantics (visibility, receive counts, dead letters, redrive, a journal that survives a
 * restart), exactly-once delivery under failures, and the reconciler's grace and reminder re-arm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { SqsEmailQueue } from '../../functions/adapters/sqs/email-queue.js';
import {
  type BackoffPolicy,
  MAX_DELAY_SECONDS,
  minimumRetrySpanSeconds,
  retryDelaySeconds,
} from '../../functions/domain/backoff.js';
import { type DeliveryMarkers, EmailDelivery, type Mailer } from '../../functions/domain/email-delivery.js';
import { type EmailMessage, emailKeyId } from '../../functions/domain/email-message.js';
import { LeadService } from '../../functions/domain/lead-service.js';
import type { Due, LeadStore } from '../../functions/domain/ports.js';
import { queueDefinitions } from '../../functions/queue/definitions.js';
import { freePort } from '../../local/ports.js';
import { LocalQueue } from '../../local/queue.js';
import { startLocalSqs } from '../../local/sqs-server.js';
import { windows } from '../support/leads.js';

const policy: BackoffPolicy = { baseSeconds: 30, capSeconds: 1800, maxReceives: 100 };

describe('backoff policy', () => {
  it('doubles from the base, never passes the cap, and keeps at least half of each step (equal jitter)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, r) => {
          const delay = retryDelaySeconds(policy, attempts, { random: () => r });
          const step = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** (attempts - 1));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2));
          expect(delay).toBeLessThanOrEqual(step);
          expect(delay).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
        },
      ),
    );
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(policy, a, { random: () => 1 }))).toEqual([
      30, 60, 120, 240,
    ]);
  });

  it('spreads retries of messages that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelaySeconds(policy, 6)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('retries a permanent failure at once, and caps what SQS cannot take', () => {
    expect(retryDelaySeconds(policy, 7, { permanent: true })).toBe(0);
    expect(retryDelaySeconds({ ...policy, capSeconds: 10 ** 9 }, 60, { random: () => 1 })).toBe(
      MAX_DELAY_SECONDS,
    );
  });

  it('says how long an outage the policy outlasts', () => {
    // 15 + 30 + 60 + 120 + 240 + 480 + 93 x 900 (each step's minimum, half the capped doubling).
    expect(minimumRetrySpanSeconds(policy)).toBe(15 + 30 + 60 + 120 + 240 + 480 + 93 * 900);
  });
});

describe('local queue', () => {
  let clock = 0;
  const now = () => clock;
  const queues = () => {
    const dlq = new LocalQueue('q-dead-letters', {
      visibilityTimeoutSeconds: 30,
      retentionSeconds: 14 * 86_400,
      now,
    });
    const q = new LocalQueue('q', {
      visibilityTimeoutSeconds: 60,
      retentionSeconds: 4 * 86_400,
      deadLetter: { queue: dlq, maxReceiveCount: 3 },
      now,
    });
    return { q, dlq, byName: (name: string) => ({ q, 'q-dead-letters': dlq })[name] };
  };
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('hides a received message for its visibility timeout, or the delay its consumer sets', () => {
    const { q } = queues();
    q.send('a');
    const [first] = q.receive(10);
    expect(first).toMatchObject({ body: 'a', receiveCount: 1 });
    expect(q.receive(10)).toEqual([]);
    clock += 60_000;
    const [again] = q.receive(10);
    expect(again?.receiveCount).toBe(2);
    q.changeVisibility(again!.receipt!, 5);
    clock += 4_000;
    expect(q.receive(10)).toEqual([]);
    clock += 1_000;
    expect(q.receive(10)).toHaveLength(1);
  });

  it('only the latest receipt deletes a message or changes its visibility', () => {
    const { q } = queues();
    q.send('a');
    const [first] = q.receive(1, 0);
    const [second] = q.receive(1);
    q.delete(first!.receipt!);
    expect(q.counts()).toMatchObject({ inFlight: 1 });
    expect(() => q.changeVisibility(first!.receipt!, 0)).toThrow(/receipt/);
    q.delete(second!.receipt!);
    expect(q.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount, whole, and redrives it back', () => {
    const { q, dlq, byName } = queues();
    q.send('{"whole":"message"}');
    for (let i = 0; i < 3; i++) {
      expect(q.receive(1, 0)).toHaveLength(1);
    }
    expect(q.receive(1, 0)).toEqual([]);
    expect(dlq.peek()).toEqual([expect.objectContaining({ body: '{"whole":"message"}', source: 'q' })]);
    expect(dlq.redrive(byName)).toBe(1);
    expect(q.receive(1)).toEqual([expect.objectContaining({ body: '{"whole":"message"}', receiveCount: 1 })]);
  });

  it('keeps its messages across a restart through its journal; what was in flight comes back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-'));
    try {
      const journal = join(dir, 'q.jsonl');
      const q = new LocalQueue('q', { visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, journal, now });
      q.send('kept');
      q.send('deleted');
      q.send('in flight');
      const received = q.receive(3);
      q.delete(received.find((m) => m.body === 'deleted')!.receipt!);
      q.changeVisibility(received.find((m) => m.body === 'kept')!.receipt!, 0);
      const restarted = new LocalQueue('q', {
        visibilityTimeoutSeconds: 60,
        retentionSeconds: 86_400,
        journal,
        now,
      });
      expect(restarted.receive(10).map((m) => m.body)).toEqual(['kept']);
      clock += 60_000;
      // The one received after the restart and never deleted is due again too.
      expect(
        restarted
          .receive(10)
          .map((m) => m.body)
          .sort(),
      ).toEqual(['in flight', 'kept']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('FIFO: never hands out a group while its head is in flight, and drops a copy sent within 5 minutes', () => {
    const q = new LocalQueue('f', {
      visibilityTimeoutSeconds: 60,
      retentionSeconds: 86_400,
      fifo: true,
      now,
    });
    const first = q.send('email A', { groupId: 'a', dedupId: 'a-1' });
    expect(q.send('email A again', { groupId: 'a', dedupId: 'a-1' }).id).toBe(first.id);
    q.send('email B', { groupId: 'b', dedupId: 'b-1' });
    const [a] = q.receive(1);
    expect(a?.body).toBe('email A');
    clock += 6 * 60_000;
    // A copy of A after the window is taken in, but waits while A is in flight (here: hidden again).
    q.changeVisibility(q.receive(1)[0]!.receipt!, 0);
    q.send('email A, much later', { groupId: 'a', dedupId: 'a-1' });
    const heads = q.receive(10, 60);
    expect(heads.map((m) => m.body)).toEqual(['email A', 'email B', 'email A, much later']);
    expect(q.receive(10)).toEqual([]);
    q.delete(heads[0]!.receipt!);
    expect(() => q.send('no group')).toThrow(/group/);
  });

  it('drops messages past their retention', () => {
    const { q } = queues();
    q.send('old');
    clock += 4 * 86_400_000;
    expect(q.receive(10)).toEqual([]);
    expect(q.peek()).toEqual([]);
  });
});

describe('email queue', () => {
  it('sends the emails queued together in batches of ten; a FIFO copy is dropped', async () => {
    const port = await freePort();
    const local = await startLocalSqs({ port, definitions: [queueDefinitions.emails] });
    const client = new SQSClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const queue = new SqsEmailQueue(client, local.urlOf('emails'));
      const email = (i: number): EmailMessage => ({
        version: 1,
        key: {
          type: 'lead',
          leadId: `01JD00000000000000000000${String(i).padStart(2, '0')}`,
          kind: 'lead-expired',
        },
        to: ['s@example.com'],
        subject: `s${i}`,
        text: 't',
        html: 'h',
        tags: {},
        queuedAt: '2026-11-25T10:00:00.000Z',
      });
      // Twelve emails and a copy of the first, all queued before the event loop turns.
      await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => queue.enqueue(email(i))),
        queue.enqueue(email(0)),
      ]);
      const held = local.queue('emails').peek();
      expect(held.map((m) => JSON.parse(m.body).subject).sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `s${i}`).sort(),
      );
      expect(new Set(held.map((m) => m.groupId)).size).toBe(12);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});

describe('exactly-once delivery', () => {
  const message: EmailMessage = {
    version: 1,
    key: { type: 'lead', leadId: '01JD0000000000000000000000', kind: 'lead-expired' },
    to: ['s@example.com'],
    subject: 's',
    text: 't',
    html: 'h',
    tags: {},
    queuedAt: '2026-11-25T10:00:00.000Z',
  };
  const memoryMarkers = () => {
    const sent = new Set<string>();
    const markers: DeliveryMarkers = {
      async sent(keys) {
        return new Set(keys.map(emailKeyId).filter((id) => sent.has(id)));
      },
      async confirm(emails) {
        for (const email of emails) sent.add(emailKeyId(email.key));
      },
    };
    return markers;
  };

  it('sends once whatever order attempts, failures and copies (one at a time, as FIFO delivers them) come in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ up: fc.boolean(), copies: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (rounds) => {
          const markers = memoryMarkers();
          let sent = 0;
          let up = false;
          const mailer: Mailer = {
            async send() {
              if (!up) throw new Error('SES down');
              sent += 1;
              return `ses-${sent}`;
            },
          };
          const delivery = new EmailDelivery(markers, mailer, () => new Date());
          for (const round of rounds) {
            up = round.up;
            // A batch may hold several copies of the message (queued more than 5 minutes apart).
            const copies = Array.from({ length: round.copies }, () => message);
            const batch = await delivery.begin(copies);
            for (const copy of copies) await delivery.deliver(copy, batch).catch(() => undefined);
            await delivery.finish(batch);
          }
          expect(sent).toBe(rounds.some((r) => r.up) ? 1 : 0);
        },
      ),
    );
  });
});

describe('reconciler', () => {
  const now = new Date('2026-12-09T12:00:00.000Z');
  const store = (settled: boolean) => {
    const calls: string[] = [];
    const due: Due = {
      leadId: '01JD0000000000000000000000',
      partnerId: 'contoso',
      respondBy: '2026-12-09T10:00:00.000Z',
    };
    const fake: Partial<LeadStore> = {
      async due(kind, before) {
        calls.push(`due ${kind} before ${before.toISOString()}`);
        return [due];
      },
      async applyIfAllowed() {
        calls.push('expire');
        // The archiver got there first.
        return false;
      },
      async reminderSettled() {
        return settled;
      },
      async clearReminder(leadId) {
        calls.push(`clear ${leadId}`);
      },
      async markReminded(leadId, _partner, at, recheckAt) {
        calls.push(`remind ${leadId} at ${at.toISOString()} recheck ${recheckAt.toISOString()}`);
        return true;
      },
    };
    return {
      calls,
      service: new LeadService(
        fake as LeadStore,
        windows,
        () => now,
        () => 'x',
      ),
    };
  };

  it('leaves leads younger than the grace to TTL, and asks for an unsettled reminder again later', async () => {
    const { calls, service } = store(false);
    await service.reconcile(10, { graceMs: 15 * 60_000, reminderRetryMs: 6 * 3_600_000 });
    expect(calls).toEqual(
      expect.arrayContaining([
        'due expiry before 2026-12-09T11:45:00.000Z',
        'due reminder before 2026-12-09T12:00:00.000Z',
        'remind 01JD0000000000000000000000 at 2026-12-09T12:00:00.000Z recheck 2026-12-09T18:00:00.000Z',
      ]),
    );
  });

  it('takes a settled reminder off the index instead of asking again', async () => {
    const { calls, service } = store(true);
    await service.reconcile(10, { graceMs: 0, reminderRetryMs: 1000 });
    expect(calls).toContain('clear 01JD0000000000000000000000');
    expect(calls.some((c) => c.startsWith('remind'))).toBe(false);
  });
});
