/**
 * Counting business and technical events as CloudWatch embedded metric format (EMF): Powertools
 * writes one JSON line to stdout per count and CloudWatch turns it into a metric, with no API call
 * and nothing to flush at the end of an invocation. Only the functions that count import this
 * module (about 5 ms of cold start beside the logger, measured in the README); locally
 * POWERTOOLS_DEV (set by npm start) turns it off. Dimensions are closed sets, never an id.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricName } from './metric-names.js';

const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'partner-referrals',
});

/** Publishes `value` occurrences of `name` now; `dimension` is the metric's one extra dimension. */
export function count(name: MetricName, value = 1, dimension?: { name: string; value: string }): void {
  if (value <= 0) return;
  const single = metrics.singleMetric();
  if (dimension) single.addDimension(dimension.name, dimension.value);
  single.addMetric(name, MetricUnit.Count, value);
}
