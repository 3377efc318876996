/** The webhook domain: which event a lead change is, the retry schedule, signing (verified by the library), rotation. */
import { Webhook } from 'standardwebhooks';
import type { DomainError } from '../../functions/domain/errors.js';
import { signatureHeaders } from '../../functions/domain/webhook-delivery.js';
import { eventLead } from '../../functions/domain/webhook-service.js';
import {
  afterAttempt,
  type Delivery,
  DeliveryNotFoundError,
  deliveryView,
  deterministicUlid,
  eventSortKey,
  eventTypeOf,
  eventTypeSchema,
  FAILING_LIMIT_MS,
  leadEventTypes,
  MAX_LOGGED_ATTEMPTS,
  MAX_QUEUE_DELAY_SECONDS,
  MAX_SUBSCRIPTIONS,
  outcomeOf,
  parseSchedule,
  queueDelaySeconds,
  RETENTION_MS,
  ROTATION_OVERLAP_MS,
  rotated,
  type Subscription,
  SubscriptionDisabledError,
  SubscriptionLimitError,
  SubscriptionNotFoundError,
  signingSecrets,
  subscriptionIdSchema,
  subscriptionInputSchema,
  subscriptionPatchSchema,
  subscriptionSchema,
  UnsafeUrlError,
  webhookIdOf,
} from '../../functions/domain/webhooks.js';
import { defaults } from '../../functions/shared/defaults.js';
import { at, commands, received, run, t0, windows } from '../support/leads.js';
import { subscription } from '../support/subscriptions.js';

const secret = (byte: string) => `whsec_${Buffer.alloc(32, byte).toString('base64')}`;

describe('eventTypeOf', () => {
  const lead = received();
  const accepted = run(lead, commands.accept);

  it('names every transition', () => {
    expect(eventTypeOf(undefined, lead)).toBe('lead.received');
    expect(eventTypeOf(lead, accepted)).toBe('lead.accepted');
    expect(eventTypeOf(lead, run(lead, commands.decline))).toBe('lead.declined');
    expect(eventTypeOf(accepted, run(accepted, commands.edit))).toBe('lead.updated');
    expect(eventTypeOf(accepted, run(accepted, commands.won))).toBe('lead.won');
    expect(eventTypeOf(accepted, run(accepted, commands.lost))).toBe('lead.lost');
    const expired = { ...lead, stage: 'archived' as const, outcome: 'expired' as const, version: 2 };
    expect(eventTypeOf(lead, expired)).toBe('lead.expired');
  });

  it('is nothing for bookkeeping that leaves the version alone (a favorite) or a deletion', () => {
    expect(eventTypeOf(accepted, { ...accepted, favoritedBy: ['user-1'] })).toBeUndefined();
    expect(eventTypeOf(accepted, undefined)).toBeUndefined();
  });

  it('carries the partner view without the per-user favorite', () => {
    const view = eventLead({ ...accepted, favoritedBy: ['user-1'] }, windows);
    expect(view).not.toHaveProperty('favorite');
    expect(view).toEqual(
      expect.objectContaining({ id: accepted.id, stage: 'accepted', version: accepted.version }),
    );
  });
});

describe('ids', () => {
  it('a delivery id is a time-ordered ULID, the same for the same seed', () => {
    const a = deterministicUlid(t0, 'lead#2|lead.accepted|wh_1');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(deterministicUlid(t0, 'lead#2|lead.accepted|wh_1')).toBe(a);
    expect(deterministicUlid(t0, 'lead#2|lead.accepted|wh_2')).not.toBe(a);
    expect(deterministicUlid(at(1), 'x') > deterministicUlid(t0, 'x')).toBe(true);
  });
});

describe('the retry schedule', () => {
  const schedule = parseSchedule(defaults.WEBHOOK_RETRY_SCHEDULE);

  it('defaults to Standard Webhooks’ schedule: 7 retries over about a day', () => {
    expect(schedule).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
    const hours = schedule.reduce((a, b) => a + b, 0) / 3.6e6;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThan(28);
  });

  it('refuses what is not a list of durations', () => {
    expect(() => parseSchedule('PT5S,soon')).toThrow();
  });

  it('2xx delivers, 410 is gone, anything else waits the next step, then fails', () => {
    expect(outcomeOf(204, 0, schedule, t0)).toEqual({ kind: 'delivered' });
    expect(outcomeOf(410, 0, schedule, t0)).toEqual({ kind: 'gone' });
    expect(outcomeOf(500, 0, schedule, t0)).toEqual({ kind: 'retry', at: at(5000) });
    expect(outcomeOf(null, 1, schedule, t0)).toEqual({ kind: 'retry', at: at(300_000) });
    expect(outcomeOf(302, 6, schedule, t0)).toEqual({ kind: 'retry', at: at(36e6) });
    expect(outcomeOf(500, 7, schedule, t0)).toEqual({ kind: 'failed' });
  });

  it('waits over 15 minutes are chained SQS delays of at most 900 s', () => {
    expect(queueDelaySeconds(at(5000), t0)).toBe(5);
    expect(queueDelaySeconds(at(2 * 3600_000), t0)).toBe(900);
    expect(queueDelaySeconds(at(-1000), t0)).toBe(0);
    expect(queueDelaySeconds(undefined, t0)).toBe(0);
  });

  it('logs every attempt and keeps the step', () => {
    const delivery = { attempts: [], step: 0, status: 'pending' } as unknown as Delivery;
    const attempt = { at: t0.toISOString(), statusCode: 500, durationMs: 12, error: 'HTTP 500' };
    const next = afterAttempt(delivery, attempt, { kind: 'retry', at: at(5000) });
    expect(next).toEqual(
      expect.objectContaining({
        attempts: [attempt],
        step: 1,
        status: 'pending',
        nextAttemptAt: at(5000).toISOString(),
      }),
    );
    expect(afterAttempt(next, attempt, { kind: 'delivered' }).status).toBe('delivered');
  });
});

describe('signing', () => {
  const body = JSON.stringify({
    type: 'lead.received',
    timestamp: t0.toISOString(),
    data: { lead: { id: 'x' } },
  });
  const now = new Date();

  it('signs as Standard Webhooks says: the npm library verifies it', () => {
    const headers = signatureHeaders('msg_1', now, body, [secret('a')]);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret('a')).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret('b')).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret('a')).verify(`${body} `, headers)).toThrow();
  });

  it('after a rotation both secrets sign for 24 hours, then only the new one', () => {
    const subscription = {
      secrets: [{ value: secret('a'), expiresAt: null }],
      version: 1,
    } as unknown as Subscription;
    const after = rotated(subscription, secret('b'), t0);
    expect(signingSecrets(after, at(3600_000))).toEqual([secret('b'), secret('a')]);
    expect(signingSecrets(after, at(24 * 3600_000 + 1))).toEqual([secret('b')]);

    const headers = signatureHeaders('msg_2', now, body, signingSecrets(after, at(1000)));
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(secret('a')).verify(body, headers)).toBeTruthy();
    expect(new Webhook(secret('b')).verify(body, headers)).toBeTruthy();
    // A second rotation drops the secret that already expired.
    expect(rotated(after, secret('c'), at(25 * 3600_000)).secrets.map((s) => s.value)).toEqual([
      secret('c'),
      secret('b'),
    ]);
  });
});

describe('webhook edges', () => {
  it('answers each refusal with its status, code, title and detail', () => {
    const seen = (e: DomainError) => [e.status, e.code, e.title, e.message];
    expect(seen(new SubscriptionNotFoundError())).toEqual([
      404,
      'webhook-not-found',
      'Webhook not found',
      'Webhook not found',
    ]);
    expect(seen(new DeliveryNotFoundError())).toEqual([
      404,
      'delivery-not-found',
      'Delivery not found',
      'Delivery not found',
    ]);
    expect(seen(new SubscriptionLimitError())).toEqual([
      409,
      'webhook-limit-reached',
      'Limit reached',
      'A partner has at most 10 webhook subscriptions.',
    ]);
    expect(seen(new SubscriptionDisabledError())).toEqual([
      409,
      'webhook-disabled',
      'Webhook disabled',
      'Enable the subscription before sending to it.',
    ]);
    expect(seen(new UnsafeUrlError('why'))).toEqual([
      400,
      'webhook-url-refused',
      'Webhook URL refused',
      'why',
    ]);
  });

  it('stops signing with a secret at its expiry, and a rotation keeps the secrets still signing', () => {
    const s = subscription({
      secrets: [
        { value: secret('a'), expiresAt: null },
        { value: secret('b'), expiresAt: at(1000).toISOString() },
      ],
      version: 4,
    });
    expect(signingSecrets(s, at(999))).toEqual([secret('a'), secret('b')]);
    expect(signingSecrets(s, at(1000))).toEqual([secret('a')]);
    const next = rotated(s, secret('c'), at(500));
    expect(next.secrets).toEqual([
      { value: secret('c'), expiresAt: null },
      { value: secret('a'), expiresAt: at(500 + 24 * 3600_000).toISOString() },
      { value: secret('b'), expiresAt: at(1000).toISOString() },
    ]);
    expect(next.version).toBe(5);
    expect(next.updatedAt).toBe(at(500).toISOString());
  });

  it('reads back only secrets in the signing format, and stores events by time, then lead and version', () => {
    const stored = subscription({ secrets: [{ value: secret('a'), expiresAt: null }] });
    expect(subscriptionSchema.safeParse(stored).success).toBe(true);
    for (const value of ['', Buffer.alloc(32, 'a').toString('base64'), `x${secret('a')}`]) {
      expect(subscriptionSchema.safeParse({ ...stored, secrets: [{ value, expiresAt: null }] }).success).toBe(
        false,
      );
    }
    expect(eventSortKey('2026-12-01T10:00:00.000Z', 'L1#3')).toBe('2026-12-01T10:00:00.000Z#L1#3');
  });

  it('shows a delivery with its webhook-id, and a subscription without its secrets', () => {
    const d: Delivery = {
      id: '01JD0000000000000000000000',
      subscriptionId: 'wh_01JD0000000000000000000000',
      partnerId: 'contoso',
      eventType: 'lead.won',
      leadId: null,
      eventKey: 'k',
      status: 'failed',
      attempts: [],
      nextAttemptAt: null,
      round: 3,
      step: 2,
      createdAt: t0.toISOString(),
    };
    expect(deliveryView(d)).toEqual({
      id: d.id,
      webhookId: 'msg_01JD0000000000000000000000',
      eventType: 'lead.won',
      leadId: null,
      status: 'failed',
      attempts: [],
      nextAttemptAt: null,
      createdAt: t0.toISOString(),
    });
    expect(webhookIdOf('x')).toBe('msg_x');
  });

  it('logs the last 20 attempts, and a failure ends the schedule with no next attempt', () => {
    const attempt = (n: number) => ({
      at: at(n).toISOString(),
      statusCode: 500,
      durationMs: n,
      error: 'HTTP 500',
    });
    const many: Delivery = {
      id: '01JD0000000000000000000000',
      subscriptionId: 'wh_01JD0000000000000000000000',
      partnerId: 'contoso',
      eventType: 'lead.won',
      leadId: null,
      eventKey: 'k',
      attempts: Array.from({ length: 20 }, (_, i) => attempt(i)),
      step: 7,
      status: 'pending',
      nextAttemptAt: at(1).toISOString(),
      round: 0,
      createdAt: t0.toISOString(),
    };
    const failed = afterAttempt(many, attempt(20), { kind: 'failed' });
    expect(failed.attempts.map((a) => a.durationMs)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null, step: 8 });
    expect(afterAttempt(many, attempt(20), { kind: 'gone' })).toMatchObject({ status: 'failed', step: 8 });
    expect(afterAttempt(many, attempt(20), { kind: 'delivered' })).toMatchObject({
      status: 'delivered',
      nextAttemptAt: null,
      step: 7,
    });
  });

  it('delivers on 200 to 299 only, and schedules from the time the answer came', () => {
    expect(outcomeOf(199, 0, [1000], t0)).toEqual({ kind: 'retry', at: at(1000) });
    expect(outcomeOf(200, 0, [1000], t0)).toEqual({ kind: 'delivered' });
    expect(outcomeOf(299, 0, [1000], t0)).toEqual({ kind: 'delivered' });
    expect(outcomeOf(300, 0, [1000], t0)).toEqual({ kind: 'retry', at: at(1000) });
    expect(outcomeOf(410, 5, [1000], t0)).toEqual({ kind: 'gone' });
    expect(queueDelaySeconds(at(1), t0)).toBe(1);
    expect(queueDelaySeconds(at(900_001), t0)).toBe(900);
    expect(parseSchedule(' PT1S , PT2M ')).toEqual([1000, 120_000]);
  });

  it('makes a ULID of the time and the digest of the seed, in Crockford base 32', () => {
    const id = deterministicUlid(t0, 'seed');
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.slice(0, 10)).toBe(deterministicUlid(t0, 'other').slice(0, 10));
    expect(id.slice(10)).not.toBe(deterministicUlid(t0, 'other').slice(10));
    expect(deterministicUlid(at(1), 'seed').slice(10)).toBe(id.slice(10));
    expect(subscriptionIdSchema.safeParse(`wh_${id}`).success).toBe(true);
    expect(subscriptionIdSchema.safeParse(`xwh_${id}`).success).toBe(false);
    expect(subscriptionIdSchema.safeParse(`wh_${id}0`).success).toBe(false);
  });
});

describe('webhook inputs', () => {
  const url = 'https://hooks.contoso.example/in';

  it('takes an http(s) URL up to 2,048 characters, one to seven known events (each once), a one-line description', () => {
    expect(subscriptionInputSchema.parse({ url, events: ['lead.won', 'lead.won', 'lead.lost'] })).toEqual({
      url,
      events: ['lead.won', 'lead.lost'],
    });
    const long = `https://h.example/${'a'.repeat(2048 - 'https://h.example/'.length)}`;
    expect(subscriptionInputSchema.safeParse({ url: long, events: ['lead.won'] }).success).toBe(true);
    expect(subscriptionInputSchema.safeParse({ url: `${long}a`, events: ['lead.won'] }).success).toBe(false);
    expect(
      subscriptionInputSchema.safeParse({ url: 'ftp://h.example/x', events: ['lead.won'] }).success,
    ).toBe(false);
    expect(
      subscriptionInputSchema.safeParse({ url: 'xhttps://h.example/x', events: ['lead.won'] }).success,
    ).toBe(false);
    expect(subscriptionInputSchema.safeParse({ url, events: [] }).success).toBe(false);
    expect(subscriptionInputSchema.safeParse({ url, events: ['webhook.test'] }).success).toBe(false);
    expect(subscriptionInputSchema.safeParse({ url, events: [...leadEventTypes, 'lead.won'] }).success).toBe(
      false,
    );
    expect(subscriptionInputSchema.safeParse({ url, events: [...leadEventTypes] }).success).toBe(true);
    expect(
      subscriptionInputSchema.safeParse({ url, events: ['lead.won'], description: 'a'.repeat(500) }).success,
    ).toBe(true);
    expect(
      subscriptionInputSchema.safeParse({ url, events: ['lead.won'], description: 'a'.repeat(501) }).success,
    ).toBe(false);
    expect(
      subscriptionInputSchema.safeParse({ url, events: ['lead.won'], description: 'a\nb' }).success,
    ).toBe(false);
    expect(subscriptionInputSchema.safeParse({ url, events: ['lead.won'], extra: 1 }).success).toBe(false);
  });

  it('takes exactly the http and https schemes (the local runtime delivers over http), and says why a description is refused', () => {
    const parses = (endpoint: string) =>
      subscriptionInputSchema.safeParse({ url: endpoint, events: ['lead.won'] }).success;
    expect(parses('http://127.0.0.1:4010/hook')).toBe(true);
    expect(parses('https://h.example/x')).toBe(true);
    expect(parses('httpsx://h.example/x')).toBe(false);
    expect(parses('httpx://h.example/x')).toBe(false);
    expect(
      subscriptionInputSchema
        .safeParse({ url, events: ['lead.won'], description: 'ring\u0007' })
        .error?.issues.map((i) => [i.path.join('.'), i.message]),
    ).toEqual([['description', 'must not contain control characters']]);
  });

  it('takes a change of at least one field, and a null description to clear it', () => {
    expect(subscriptionPatchSchema.safeParse({}).error?.issues.map((i) => i.message)).toEqual([
      'change at least one field',
    ]);
    expect(subscriptionPatchSchema.parse({ description: null })).toEqual({ description: null });
    expect(subscriptionPatchSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(subscriptionPatchSchema.safeParse({ enabled: 'no' }).success).toBe(false);
  });

  it('knows the seven lead events, the test event, and the limits of the platform', () => {
    expect(leadEventTypes).toEqual([
      'lead.received',
      'lead.accepted',
      'lead.declined',
      'lead.expired',
      'lead.updated',
      'lead.won',
      'lead.lost',
    ]);
    expect(eventTypeSchema.safeParse('webhook.test').success).toBe(true);
    expect([
      MAX_SUBSCRIPTIONS,
      ROTATION_OVERLAP_MS,
      RETENTION_MS,
      FAILING_LIMIT_MS,
      MAX_LOGGED_ATTEMPTS,
    ]).toEqual([10, 86_400_000, 7 * 86_400_000, 86_400_000, 20]);
    expect(MAX_QUEUE_DELAY_SECONDS).toBe(900);
  });
});
