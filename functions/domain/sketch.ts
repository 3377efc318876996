/**
 * Response times as a DDSketch with 1 % relative accuracy (Masson, Rim & Lee, VLDB 2019): each value
 * falls in the bucket of a logarithmic index, and a bucket count is all that is stored. Counts of
 * the same index add up, so sketches of months, partners and shards merge by summing, in any order.
 *
 * The mapping is @datadog/sketches-js's `LogarithmicMapping` (same formulas; a unit test holds the two
 * to the same keys, values and quantiles). It is written out here because that package's module graph
 * requires protobufjs, which would add about 60 KB to every bundle that reads insights.
 */

export const RELATIVE_ACCURACY = 0.01;

const gammaMantissa = (2 * RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const gamma = 1 + gammaMantissa;
const multiplier = (1 / Math.log1p(gammaMantissa)) * Math.log(2);
/** Values at or below this land in the zero bucket (as in the library). */
const minIndexable = 2 ** -1023 * gamma;

/** A sketch as stored: a count per bucket index, and the zero bucket under `ZERO`. */
export type SketchBins = Record<string, number>;
export const ZERO = 'z';

/** The bucket a value (seconds, >= 0) is counted in. */
export function bucketOf(value: number): string {
  return value > minIndexable ? String(Math.ceil(Math.log2(value) * multiplier)) : ZERO;
}

/** The value a bucket stands for: within 1 % of every value counted in it. */
export function bucketValue(bucket: string): number {
  if (bucket === ZERO) return 0;
  return 2 ** (Number(bucket) / multiplier) * (2 / (1 + gamma));
}

/**
 * The values at quantiles qs (0..1) of the values a sketch counts (null for an empty sketch), by
 * the nearest-rank definition: the q-quantile of n values is the value of rank ceil(q x n) (1-based,
 * at least 1) in ascending order, so the median of 4 values is the 2nd and the p90 of 4 the 4th.
 * The answer is the value of the bucket holding that rank, which is within 1 % (RELATIVE_ACCURACY)
 * of the exact value of that rank, whatever the values. One sort for all of them.
 */
export function quantiles(bins: SketchBins, qs: readonly number[]): Array<number | null> {
  const buckets = Object.entries(bins)
    // Stryker disable next-line EqualityOperator: equivalent; a bucket counted 0 times adds nothing to the running count, so it is never the one answered
    .filter(([, count]) => count > 0)
    .map(([bucket, count]) => ({ bucket, count, order: bucket === ZERO ? -Infinity : Number(bucket) }))
    .sort((a, b) => a.order - b.order);
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return qs.map(() => null);
  return qs.map((q) => {
    const rank = nearestRank(q, total);
    let running = 0;
    for (const b of buckets) {
      running += b.count;
      if (running >= rank) return bucketValue(b.bucket);
    }
    // Unreachable (a rank is at most the total, which the running count reaches at the last
    // bucket): here for the type checker.
    // Stryker disable next-line all: equivalent, the line never runs
    return bucketValue(buckets.at(-1)!.bucket);
  });
}

/** The 1-based rank of the q-quantile of n values (nearest rank); q x n is nudged down by a hair so 0.9 x 10 stays 9. */
export const nearestRank = (q: number, n: number): number =>
  Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));

/** The value at quantile q, or null for an empty sketch (see `quantiles`). */
export const quantile = (bins: SketchBins, q: number): number | null => quantiles(bins, [q])[0]!;
