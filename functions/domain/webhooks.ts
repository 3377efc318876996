/**
 * Webhooks for partner apps (SPEC §9): subscriptions, the `lead.*` event a lead change is, the
 * delivery of one event to one subscription, and the retry schedule. Pure: no I/O, no AWS.
 */
import { createHash } from 'node:crypto';
import { encodeTime } from 'ulidx';
import * as z from 'zod/mini';
import { durationMs } from './duration.js';
import { DomainError } from './errors.js';
import { type Lead, leadIdSchema, slugSchema } from './lead.js';
import { lazySchema, pureSchema, withMeta } from './schema-building.js';

export const leadEventTypes = [
  'lead.received',
  'lead.accepted',
  'lead.declined',
  'lead.expired',
  'lead.updated',
  'lead.won',
  'lead.lost',
] as const;
export const leadEventTypeSchema = /* @__PURE__ */ pureSchema(() => z.enum(leadEventTypes));
export type LeadEventType = z.infer<typeof leadEventTypeSchema>;
export const TEST_EVENT = 'webhook.test';
export const eventTypeSchema = /* @__PURE__ */ pureSchema(() => z.enum([...leadEventTypes, TEST_EVENT]));
export type EventType = z.infer<typeof eventTypeSchema>;

/** A partner has at most this many subscriptions. */
export const MAX_SUBSCRIPTIONS = 10;
/** After a rotation the old secret keeps signing this long, so a receiver can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** Events, deliveries and their log are kept this long (and replay reaches no further back). */
export const RETENTION_MS = 7 * 24 * 3600_000;
/** A subscription whose deliveries have all failed this long is disabled. */
export const FAILING_LIMIT_MS = 24 * 3600_000;
/** The last attempts a delivery log keeps (the schedule makes 8; manual retries add more). */
export const MAX_LOGGED_ATTEMPTS = 20;

// ---- ids ----
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/**
 * A ULID whose time part is `at` and whose random part is a digest of `seed`: time-ordered (the
 * log lists newest first) and the same every time for the same seed, so a stream record delivered
 * twice makes the same delivery, never a second one.
 */
export function deterministicUlid(at: Date, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[digest[i]! % 32];
  return encodeTime(at.getTime(), 10) + random;
}

export const subscriptionIdSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(z.string().check(z.regex(/^wh_[0-9A-HJKMNP-TV-Z]{26}$/)), {
    description: 'Subscription id (`wh_` + ULID).',
  }),
);
export const deliveryIdSchema = leadIdSchema;

/** The `webhook-id` header of a delivery: the same on every attempt, retry and replay of it. */
export const webhookIdOf = (deliveryId: string) => `msg_${deliveryId}`;

// ---- subscriptions ----
const description = /* @__PURE__ */ pureSchema(() =>
  z.string().check(
    z.maxLength(500),
    // \p{Cc} spelled out, as in oneLineText (functions/domain/lead.ts): a \p{…} class costs each cold start.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: it finds control characters to refuse them
    z.regex(/^[^\u0000-\u001F\u007F-\u009F]*$/u, 'must not contain control characters'),
  ),
);
export const endpointUrlSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)), {
    description: 'The HTTPS endpoint events are POSTed to.',
  }),
);
const eventsSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.pipe(
      z.array(leadEventTypeSchema).check(z.minLength(1), z.maxLength(leadEventTypes.length)),
      z.transform((events) => [...new Set(events)]),
    ),
    { description: 'The lead event types sent to this endpoint.' },
  ),
);

export const subscriptionInputSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.strictObject({ url: endpointUrlSchema, events: eventsSchema, description: z.optional(description) }),
    { id: 'NewWebhook' },
  ),
);
export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;

export const subscriptionPatchSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z
      .strictObject({
        url: z.optional(endpointUrlSchema),
        events: z.optional(eventsSchema),
        enabled: z.optional(z.boolean()),
        description: z.optional(z.nullable(description)),
      })
      .check(z.refine((patch) => Object.keys(patch).length > 0, 'change at least one field')),
    { id: 'WebhookChange' },
  ),
);
export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;

const secretSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    value: z.string().check(z.startsWith('whsec_')),
    /** When an old secret stops signing; the newest has none. */
    expiresAt: z.nullable(z.iso.datetime()),
  }),
);

export const disabledReasons = ['by-partner', 'gone', 'failing'] as const;

/** A subscription as stored: its secrets (newest first) never leave the platform but on create and rotate. */
export const subscriptionSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: subscriptionIdSchema,
    partnerId: slugSchema,
    url: z.string(),
    events: z.array(leadEventTypeSchema),
    description: z.nullable(z.string()),
    enabled: z.boolean(),
    /** Why it is disabled: by the partner, the endpoint answered 410, or every delivery failed for 24 h. */
    disabledReason: z.nullable(z.enum(disabledReasons)),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    /** Since when every attempt has failed (cleared by a success). */
    failingSince: z.nullable(z.iso.datetime()),
    secrets: z.array(secretSchema).check(z.minLength(1)),
    version: z.number().check(z.int()),
  }),
);
export type Subscription = z.infer<typeof subscriptionSchema>;

export const subscriptionViewSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    // The stored subscription without its partner, secrets, failure clock and version.
    z.pick(subscriptionSchema, {
      id: true,
      url: true,
      events: true,
      description: true,
      enabled: true,
      disabledReason: true,
      createdAt: true,
      updatedAt: true,
    }),
    { id: 'Webhook' },
  ),
);
export type SubscriptionView = z.infer<ReturnType<typeof subscriptionViewSchema>>;

export const subscriptionWithSecretSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.extend(subscriptionViewSchema(), {
      secret: withMeta(z.string().check(z.startsWith('whsec_')), {
        description:
          'The signing secret (`whsec_` + base64 of 32 random bytes). Shown only now: keep it to verify signatures.',
      }),
    }),
    { id: 'WebhookWithSecret' },
  ),
);

export const viewOf = (s: Subscription): SubscriptionView => ({
  id: s.id,
  url: s.url,
  events: s.events,
  description: s.description,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** The secrets that still sign at `now`, newest first. */
export const signingSecrets = (s: Subscription, now: Date): string[] =>
  s.secrets
    .filter((x) => x.expiresAt === null || Date.parse(x.expiresAt) > now.getTime())
    .map((x) => x.value);

/** The subscription after a rotation: the new secret first, the current one signing 24 h more, expired ones gone. */
export function rotated(s: Subscription, secret: string, now: Date): Subscription {
  const until = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
  const kept = s.secrets
    .filter((x) => x.expiresAt === null || Date.parse(x.expiresAt) > now.getTime())
    .map((x) => ({ value: x.value, expiresAt: x.expiresAt ?? until }));
  return {
    ...s,
    secrets: [{ value: secret, expiresAt: null }, ...kept],
    updatedAt: now.toISOString(),
    version: s.version + 1,
  };
}

export class SubscriptionNotFoundError extends DomainError {
  constructor() {
    super(404, 'webhook-not-found', 'Webhook not found');
  }
}
export class DeliveryNotFoundError extends DomainError {
  constructor() {
    super(404, 'delivery-not-found', 'Delivery not found');
  }
}
export class SubscriptionLimitError extends DomainError {
  constructor() {
    super(
      409,
      'webhook-limit-reached',
      'Limit reached',
      `A partner has at most ${MAX_SUBSCRIPTIONS} webhook subscriptions.`,
    );
  }
}
export class SubscriptionDisabledError extends DomainError {
  constructor() {
    super(409, 'webhook-disabled', 'Webhook disabled', 'Enable the subscription before sending to it.');
  }
}
/** A URL the platform will not POST to (SPEC §9 "Safety"). */
export class UnsafeUrlError extends DomainError {
  constructor(reason: string) {
    super(400, 'webhook-url-refused', 'Webhook URL refused', reason);
  }
}

// ---- events ----
/** What a lead change is to a partner app; `undefined` when it is no change of the lead (bookkeeping). */
export function eventTypeOf(
  previous: Lead | undefined,
  current: Lead | undefined,
): LeadEventType | undefined {
  if (!current) return undefined;
  if (!previous) return 'lead.received';
  if (previous.version === current.version) return undefined;
  if (previous.stage === 'received' && current.stage === 'accepted') return 'lead.accepted';
  if (previous.stage !== 'archived' && current.stage === 'archived') {
    switch (current.outcome) {
      case 'declined':
        return 'lead.declined';
      case 'expired':
        return 'lead.expired';
      case 'won':
        return 'lead.won';
      case 'lost':
        return 'lead.lost';
    }
  }
  return 'lead.updated';
}

/** The body of an event: `{ type, timestamp, data }`, serialised once so every attempt signs the same bytes. */
export interface WebhookEvent {
  type: EventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Where a stored event sits in its partner's 7-day log: by time, then lead and version (one event per lead version). */
export const eventSortKey = (timestamp: string, subject: string) => `${timestamp}#${subject}`;

// ---- deliveries ----
export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export const attemptSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.object({
      at: z.iso.datetime(),
      statusCode: z.nullable(z.number().check(z.int())),
      durationMs: z.number().check(z.int()),
      error: z.nullable(z.string()),
    }),
    { id: 'WebhookAttempt' },
  ),
);
export type Attempt = z.infer<typeof attemptSchema>;

export const deliverySchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    id: deliveryIdSchema,
    subscriptionId: subscriptionIdSchema,
    partnerId: slugSchema,
    eventType: eventTypeSchema,
    leadId: z.nullable(leadIdSchema),
    /** The stored event's sort key in the partner's event log. */
    eventKey: z.string(),
    status: z.enum(deliveryStatuses),
    attempts: z.array(attemptSchema),
    nextAttemptAt: z.nullable(z.iso.datetime()),
    /** Counts the sends asked for (first, retry, replay): a queued message of an earlier one is stale. */
    round: z.number().check(z.int()),
    /** Failed attempts of this round: the position in the retry schedule. */
    step: z.number().check(z.int()),
    createdAt: z.iso.datetime(),
  }),
);
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryViewSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.object({
      id: deliveryIdSchema,
      webhookId: withMeta(z.string(), { description: 'The `webhook-id` header of every attempt.' }),
      eventType: eventTypeSchema,
      leadId: z.nullable(leadIdSchema),
      status: z.enum(deliveryStatuses),
      attempts: z.array(attemptSchema),
      nextAttemptAt: z.nullable(z.iso.datetime()),
      createdAt: z.iso.datetime(),
    }),
    { id: 'WebhookDelivery' },
  ),
);

export const deliveryView = (d: Delivery) => ({
  id: d.id,
  webhookId: webhookIdOf(d.id),
  eventType: d.eventType,
  leadId: d.leadId,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  createdAt: d.createdAt,
});

/** What the delivery queue holds: a pointer to one delivery of one round (the event itself is stored 7 days). */
export const deliveryMessageSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    partnerId: slugSchema,
    subscriptionId: subscriptionIdSchema,
    deliveryId: deliveryIdSchema,
    eventKey: z.string(),
    round: z.number().check(z.int()),
    /** Not to be attempted before this: waits longer than SQS's 15-minute delay are re-sent until due. */
    dueAt: z.optional(z.iso.datetime()),
  }),
);
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'retry'; at: Date }
  | { kind: 'failed' };

/** What an attempt's answer means: 2xx delivered; 410 disables; else the next wait of the schedule, or failed. */
export function outcomeOf(
  statusCode: number | null,
  step: number,
  schedule: readonly number[],
  now: Date,
): Outcome {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  if (statusCode === 410) return { kind: 'gone' };
  const wait = schedule[step];
  return wait === undefined ? { kind: 'failed' } : { kind: 'retry', at: new Date(now.getTime() + wait) };
}

/** The delivery after an attempt: logged (the last MAX_LOGGED_ATTEMPTS), its status and next attempt. */
export function afterAttempt(delivery: Delivery, attempt: Attempt, outcome: Outcome): Delivery {
  const attempts = [...delivery.attempts, attempt].slice(-MAX_LOGGED_ATTEMPTS);
  switch (outcome.kind) {
    case 'delivered':
      return { ...delivery, attempts, status: 'delivered', nextAttemptAt: null };
    case 'retry':
      return {
        ...delivery,
        attempts,
        status: 'pending',
        nextAttemptAt: outcome.at.toISOString(),
        step: delivery.step + 1,
      };
    default:
      return { ...delivery, attempts, status: 'failed', nextAttemptAt: null, step: delivery.step + 1 };
  }
}

/** SQS delays a message at most 15 minutes; a longer wait is a chain of such delays. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** The queue delay of a message due at `dueAt`: what is left of the wait, at most SQS's 15 minutes. */
export const queueDelaySeconds = (dueAt: Date | undefined, now: Date): number =>
  dueAt === undefined
    ? 0
    : Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt.getTime() - now.getTime()) / 1000)));

/** The waits of a schedule such as `PT5S,PT5M,PT30M`, in ms; throws on anything that is not a list of durations. */
export function parseSchedule(text: string): number[] {
  const waits = text.split(',').map((part) => durationMs(part.trim()));
  if (waits.length === 0) throw new Error('the retry schedule is empty');
  return waits;
}
