/**
 * The small pure rules around email: which change announces what, the retry schedule, the email
 * message's shape and keys, and what an SES event suppresses. Each asserted exactly.
 */
import {
  MAX_DELAY_SECONDS,
  minimumRetrySpanSeconds,
  retryDelaySeconds,
} from '../../functions/domain/backoff.js';
import {
  describeKey,
  emailKeyId,
  emailKeySchema,
  emailMessageSchema,
} from '../../functions/domain/email-message.js';
import type { Lead } from '../../functions/domain/lead.js';
import { notificationFor } from '../../functions/domain/notifications.js';
import { type SesEvent, suppressionsOf } from '../../functions/domain/ses-feedback.js';
import { at, commands, received, run } from '../support/leads.js';

describe('notificationFor', () => {
  const lead = received();
  const expired = run(lead, commands.expire, at(15 * 86_400_000));
  const declined = run(lead, commands.decline);

  it('a new received lead is announced; a new item in any other stage is not', () => {
    expect(notificationFor(undefined, lead)).toStrictEqual({ kind: 'lead-received', lead });
    expect(notificationFor(undefined, declined)).toBeUndefined();
    expect(notificationFor(lead, undefined)).toBeUndefined();
  });

  it('received -> declined or expired is announced once; a later write to the archived lead is not', () => {
    expect(notificationFor(lead, declined)).toStrictEqual({ kind: 'lead-declined', lead: declined });
    expect(notificationFor(lead, expired)).toStrictEqual({ kind: 'lead-expired', lead: expired });
    const touched: Lead = {
      ...expired,
      updatedAt: at(16 * 86_400_000).toISOString(),
      version: expired.version + 1,
    };
    expect(notificationFor(expired, touched)).toBeUndefined();
    expect(notificationFor(declined, { ...declined, version: 9 })).toBeUndefined();
  });

  it('accepting, winning or losing is not announced', () => {
    const accepted = run(lead, commands.accept);
    expect(notificationFor(lead, accepted)).toBeUndefined();
    expect(notificationFor(accepted, run(accepted, commands.won))).toBeUndefined();
    expect(notificationFor(accepted, run(accepted, commands.lost))).toBeUndefined();
  });

  it('each new remindedAt of a received lead asks for the reminder; the same one, or an answered lead, does not', () => {
    const reminded = { ...lead, remindedAt: '2026-12-07T10:00:00.000Z' };
    expect(notificationFor(lead, reminded)).toStrictEqual({ kind: 'lead-reminder', lead: reminded });
    const again = { ...reminded, remindedAt: '2026-12-07T16:00:00.000Z' };
    expect(notificationFor(reminded, again)).toStrictEqual({ kind: 'lead-reminder', lead: again });
    expect(notificationFor(reminded, { ...reminded, version: 2 })).toBeUndefined();
    const accepted = { ...run(lead, commands.accept), remindedAt: '2026-12-07T10:00:00.000Z' };
    expect(notificationFor(lead, accepted)).toBeUndefined();
  });
});

describe('retryDelaySeconds', () => {
  const policy = { baseSeconds: 10, capSeconds: 300, maxReceives: 5 };

  it('doubles from the base, half fixed and half jitter', () => {
    expect(retryDelaySeconds(policy, 1, { random: () => 0 })).toBe(5);
    expect(retryDelaySeconds(policy, 1, { random: () => 1 })).toBe(10);
    expect(retryDelaySeconds(policy, 2, { random: () => 0 })).toBe(10);
    expect(retryDelaySeconds(policy, 3, { random: () => 0.5 })).toBe(30);
    expect(retryDelaySeconds(policy, 0, { random: () => 1 })).toBe(10);
    expect(retryDelaySeconds(policy, 2.9, { random: () => 1 })).toBe(20);
  });

  it('never waits longer than the cap, nor than SQS allows', () => {
    expect(retryDelaySeconds(policy, 20, { random: () => 1 })).toBe(300);
    expect(retryDelaySeconds({ ...policy, capSeconds: 10 ** 9 }, 100, { random: () => 1 })).toBe(
      MAX_DELAY_SECONDS,
    );
    expect(MAX_DELAY_SECONDS).toBe(43_200);
  });

  it('a permanent failure is retried at once; without a random source it stays within the band', () => {
    expect(retryDelaySeconds(policy, 3, { permanent: true, random: () => 1 })).toBe(0);
    const delay = retryDelaySeconds(policy, 3);
    expect(delay).toBeGreaterThanOrEqual(20);
    expect(delay).toBeLessThanOrEqual(40);
  });

  it('the shortest span before the dead-letter queue sums every minimum wait', () => {
    // Attempts 1..4 at their minimum: 5 + 10 + 20 + 40.
    expect(minimumRetrySpanSeconds(policy)).toBe(75);
    expect(minimumRetrySpanSeconds({ ...policy, maxReceives: 1 })).toBe(0);
  });
});

describe('email messages', () => {
  const leadKey = {
    type: 'lead' as const,
    leadId: '01JD0000000000000000000000',
    kind: 'lead-expired' as const,
  };
  const confirmationKey = { type: 'confirmation' as const, partnerId: 'contoso', requestId: 'req_12345' };
  const message = {
    version: 1,
    key: leadKey,
    to: ['a@contoso.example'],
    subject: 'Lead expired',
    text: 't',
    html: '<p>t</p>',
    tags: { kind: 'lead-expired' },
    queuedAt: '2026-12-01T12:00:00.000Z',
  };

  it('one id per key, and only keys in logs', () => {
    expect(emailKeyId(leadKey)).toBe('lead:01JD0000000000000000000000:lead-expired');
    expect(emailKeyId(confirmationKey)).toBe('confirmation:req_12345');
    const disabledKey = {
      type: 'webhook-disabled' as const,
      partnerId: 'contoso',
      subscriptionId: 'wh_01JD0000000000000000000000',
      at: '2026-12-01T12:00:00.000Z',
    };
    expect(emailKeyId(disabledKey)).toBe(
      'webhook-disabled:wh_01JD0000000000000000000000:2026-12-01T12:00:00.000Z',
    );
    expect(describeKey(disabledKey)).toStrictEqual({
      email: 'webhook-disabled',
      partnerId: 'contoso',
      subscriptionId: 'wh_01JD0000000000000000000000',
    });
    expect(describeKey(leadKey)).toStrictEqual({ email: 'lead-expired', leadId: leadKey.leadId });
    expect(describeKey(confirmationKey)).toStrictEqual({
      email: 'contact-confirmation',
      partnerId: 'contoso',
      requestId: 'req_12345',
    });
  });

  it('a request id is 8-64 url-safe characters, anchored', () => {
    expect(emailKeySchema.safeParse(confirmationKey).success).toBe(true);
    for (const requestId of ['short', 'x'.repeat(65), 'req 12345', 'req_1234/'])
      expect(emailKeySchema.safeParse({ ...confirmationKey, requestId }).success).toBe(false);
    expect(emailKeySchema.safeParse({ ...confirmationKey, requestId: 'x'.repeat(64) }).success).toBe(true);
  });

  it('a message: version 1, 1-50 recipients, a subject of 1-200, tags SES accepts', () => {
    expect(emailMessageSchema.safeParse(message).success).toBe(true);
    const refuses = (patch: object) =>
      expect(emailMessageSchema.safeParse({ ...message, ...patch }).success).toBe(false);
    refuses({ version: 2 });
    refuses({ to: [] });
    refuses({ to: Array.from({ length: 51 }, () => 'a@contoso.example') });
    expect(
      emailMessageSchema.safeParse({ ...message, to: Array.from({ length: 50 }, () => 'a@contoso.example') })
        .success,
    ).toBe(true);
    refuses({ subject: '' });
    refuses({ subject: 'x'.repeat(201) });
    refuses({ tags: { 'bad name': 'x' } });
    refuses({ tags: { kind: 'bad value!' } });
    refuses({ tags: { kind: 'x', ['x'.repeat(257)]: 'y' } });
    expect(emailMessageSchema.safeParse({ ...message, tags: { 'a.b': 'c.d-e_f' } }).success).toBe(false);
    expect(emailMessageSchema.safeParse({ ...message, tags: { a_b: 'c.d-e_f' } }).success).toBe(true);
    refuses({ queuedAt: 'yesterday' });
    refuses({ key: { ...leadKey, kind: 'lead-won' } });
  });
});

describe('suppressionsOf', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const event = (detail: SesEvent['detail'], time?: string): SesEvent => ({
    source: 'aws.ses',
    'detail-type': 'x',
    ...(time ? { time } : {}),
    detail,
  });
  const recipients = [{ emailAddress: 'a@x.example' }, { emailAddress: 'b@x.example' }];

  it('a permanent bounce suppresses every bounced recipient, at the bounce time', () => {
    expect(
      suppressionsOf(
        event({
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bouncedRecipients: recipients,
            timestamp: '2026-11-30T08:00:00Z',
          },
        }),
        now,
      ),
    ).toStrictEqual([
      { address: 'a@x.example', reason: 'bounce', at: '2026-11-30T08:00:00.000Z' },
      { address: 'b@x.example', reason: 'bounce', at: '2026-11-30T08:00:00.000Z' },
    ]);
  });

  it('falls back to the event time, then to now when the time is missing or unreadable', () => {
    const bounce = { bounceType: 'Permanent', bouncedRecipients: [recipients[0]!] };
    expect(suppressionsOf(event({ eventType: 'Bounce', bounce }, '2026-11-29T08:00:00Z'), now)[0]?.at).toBe(
      '2026-11-29T08:00:00.000Z',
    );
    expect(suppressionsOf(event({ eventType: 'Bounce', bounce }), now)[0]?.at).toBe(now.toISOString());
    expect(suppressionsOf(event({ eventType: 'Bounce', bounce }, 'not a time'), now)[0]?.at).toBe(
      now.toISOString(),
    );
  });

  it('a complaint suppresses its recipients; soft bounces and other events nothing', () => {
    expect(
      suppressionsOf(
        event(
          { eventType: 'Complaint', complaint: { complainedRecipients: recipients } },
          '2026-11-28T08:00:00Z',
        ),
        now,
      ),
    ).toStrictEqual([
      { address: 'a@x.example', reason: 'complaint', at: '2026-11-28T08:00:00.000Z' },
      { address: 'b@x.example', reason: 'complaint', at: '2026-11-28T08:00:00.000Z' },
    ]);
    expect(
      suppressionsOf(
        event({
          eventType: 'Complaint',
          complaint: { complainedRecipients: recipients, timestamp: '2026-11-27T08:00:00Z' },
        }),
        now,
      )[0]?.at,
    ).toBe('2026-11-27T08:00:00.000Z');
    expect(
      suppressionsOf(
        event({ eventType: 'Bounce', bounce: { bounceType: 'Transient', bouncedRecipients: recipients } }),
        now,
      ),
    ).toStrictEqual([]);
    expect(suppressionsOf(event({ eventType: 'Complaint' }), now)).toStrictEqual([]);
    expect(
      suppressionsOf(event({ eventType: 'Delivery', complaint: { complainedRecipients: recipients } }), now),
    ).toStrictEqual([]);
    expect(
      suppressionsOf(
        event({ eventType: 'Delivery', bounce: { bounceType: 'Permanent', bouncedRecipients: recipients } }),
        now,
      ),
    ).toStrictEqual([]);
  });
});
