/**
 * The metrics the functions emit (SPEC §11), by name and dimension: one list that the functions
 * count with (functions/shared/metrics.ts) and the stack's dashboard and alarms read, with no
 * Powertools import on the CDK side.
 */

/** The CloudWatch namespace of every metric the functions emit. */
export const METRICS_NAMESPACE = 'PartnerReferrals';

/** Every metric is also dimensioned by `service` (POWERTOOLS_SERVICE_NAME), as Powertools does. */
export const metricDefinitions = {
  // Business.
  LeadsReceived: { what: 'new leads posted by senders (idempotent replays not counted)' },
  LeadsAnswered: { what: 'leads accepted or declined by a partner', dimension: 'answer' },
  LeadsExpired: { what: 'leads archived as expired, by the path that expired them', dimension: 'path' },
  EmailsSent: { what: 'emails SES accepted, by kind', dimension: 'kind' },
  WebhookAttempts: {
    what: 'webhook delivery attempts and their result (delivered, retry, failed, gone; waiting and stale: no POST)',
    dimension: 'result',
  },
  AddressesSuppressed: {
    what: 'addresses suppressed after a hard bounce or a complaint',
    dimension: 'reason',
  },
  // Technical.
  EmailsQueued: { what: 'notification and confirmation emails put on the durable queue', dimension: 'kind' },
  RecordsFailed: {
    what: 'stream records and queue messages that failed an attempt (retried or set aside)',
    dimension: 'consumer',
  },
} as const satisfies Record<string, MetricDefinition>;

/** What a metric counts, and the one dimension (beside `service`) it is split by, if any. */
export interface MetricDefinition {
  readonly what: string;
  readonly dimension?: string;
}

export type MetricName = keyof typeof metricDefinitions;
