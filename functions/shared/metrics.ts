/**
 * Counting business and technical events as CloudWatch embedded metric format (EMF): one JSON line
 * to stdout per count, which CloudWatch turns into a metric, with no API call and nothing to flush
 * at the end of an invocation. Locally POWERTOOLS_DEV (set by npm start) turns it off. Dimensions
 * are closed sets, never an id.
 *
 * Written here instead of with Powertools Metrics, which writes the same line (its `singleMetric()`;
 * test/unit/metrics.test.ts compares the two): its module and stores, 12 KiB of every function
 * that counts, cost about 6 M instructions (~0.9 ms) of each cold start of `create-lead`,
 * `accept-lead` and `decline-lead` for one `JSON.stringify` (README, cold start).
 */
import { METRICS_NAMESPACE, type MetricName } from './metric-names.js';

const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'partner-referrals';

/** Powertools' reading of a boolean variable: these (any case, trimmed) are true, anything else false. */
const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const isTrue = (value: string | undefined) => TRUTHY.has((value ?? '').trim().toLowerCase());

// As Powertools decides for a boolean value: POWERTOOLS_METRICS_DISABLED when it is set, else
// POWERTOOLS_DEV (Powertools refuses to start on another value of the first; this reads it as
// false). A dimension's value is one of a closed set, never empty, which Powertools would drop.
const disabledVariable = process.env.POWERTOOLS_METRICS_DISABLED;
const disabled =
  disabledVariable !== undefined ? isTrue(disabledVariable) : isTrue(process.env.POWERTOOLS_DEV);

/** Publishes `value` occurrences of `name` now; `dimension` is the metric's one extra dimension. */
export function count(name: MetricName, value = 1, dimension?: { name: string; value: string }): void {
  if (value <= 0 || disabled) return;
  const line = JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [dimension ? ['service', dimension.name] : ['service']],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service,
    ...(dimension ? { [dimension.name]: dimension.value } : {}),
    [name]: value,
  });
  // Straight to stdout, as Powertools does: Lambda's console prefixes each line with a time and a
  // request id, and CloudWatch would not read that line as EMF.
  process.stdout.write(`${line}\n`);
}
