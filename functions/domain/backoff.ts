/**
 * When a failed delivery is tried again: exponential backoff with a cap and jitter, and a bounded
 * number of attempts after which the message is set aside (a dead-letter queue). Pure, so the same
 * policy drives the deployed queues, the local ones and the tests. Emails use it; the webhook
 * delivery queue uses it for the platform's own failures (a receiver's follow WEBHOOK_RETRY_SCHEDULE).
 */
export interface BackoffPolicy {
  /** The wait after the first failure, in seconds. */
  baseSeconds: number;
  /** No wait is longer than this, in seconds (SQS allows at most 12 h of invisibility). */
  capSeconds: number;
  /** Receives after which the queue gives up and moves the message to its dead-letter queue. */
  maxReceives: number;
}

/** SQS refuses a visibility timeout over 12 hours. */
export const MAX_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Seconds to wait before attempt `attempts + 1`, after `attempts` failed ones: `base * 2^(n-1)`,
 * capped, with "equal jitter" (half of it fixed, half random) so that retries of many messages that
 * failed together spread out instead of hitting the recovering service at once.
 * A permanent failure (a message that can never be sent) is retried at once, so it reaches the
 * dead-letter queue within seconds rather than after the whole schedule.
 */
export function retryDelaySeconds(
  policy: BackoffPolicy,
  attempts: number,
  options: { permanent?: boolean; random?: () => number } = {},
): number {
  if (options.permanent) return 0;
  const n = Math.max(1, Math.floor(attempts));
  const ceiling = Math.min(
    policy.capSeconds,
    MAX_DELAY_SECONDS,
    policy.baseSeconds * 2 ** Math.min(n - 1, 30),
  );
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * The shortest time a message keeps being retried before it reaches the dead-letter queue (every
 * jitter at its minimum): how long an outage the policy outlasts without an operator.
 */
export function minimumRetrySpanSeconds(policy: BackoffPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxReceives; attempt++) {
    total += retryDelaySeconds(policy, attempt, { random: () => 0 });
  }
  return total;
}
