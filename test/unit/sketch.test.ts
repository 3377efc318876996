/**
 * The response-time sketch: the same keys and bucket values as @datadog/sketches-js (the reference
 * implementation), nearest-rank quantiles within 1 % of the exact ones, and merging by summing bins.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import {
  bucketOf,
  bucketValue,
  nearestRank,
  quantile,
  RELATIVE_ACCURACY,
  type SketchBins,
  ZERO,
} from '../../functions/domain/sketch.js';

// CommonJS whose names Node cannot see statically, and the mapping is not exported from the root.
const require = createRequire(import.meta.url);
const { LogarithmicMapping } = require('@datadog/sketches-js/dist/ddsketch/mapping') as {
  LogarithmicMapping: new (relativeAccuracy: number) => { key(v: number): number; value(k: number): number };
};

const binsOf = (values: number[]): SketchBins => {
  const bins: SketchBins = {};
  for (const v of values) bins[bucketOf(v)] = (bins[bucketOf(v)] ?? 0) + 1;
  return bins;
};
/** The exact nearest-rank value: rank ceil(q x n), 1-based, computed here independently. */
const exact = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(Math.round(q * values.length * 1e6) / 1e6));
  return sorted[rank - 1]!;
};
const seconds = fc.double({ min: 0.001, max: 30 * 86_400, noNaN: true });

describe('response-time sketch', () => {
  const reference = new LogarithmicMapping(RELATIVE_ACCURACY);

  it('maps values to the same buckets and bucket values as the library', () => {
    fc.assert(
      fc.property(seconds, (v) => {
        const key = bucketOf(v);
        expect(Number(key)).toBe(reference.key(v));
        expect(bucketValue(key)).toBeCloseTo(reference.value(Number(key)), 9);
      }),
    );
  });

  it('answers nearest-rank quantiles: the bucket of rank ceil(q x n)', () => {
    // One value per bucket, far apart: the answer names the rank it picked.
    const values = [1, 10, 100, 1000];
    const at = (q: number) => quantile(binsOf(values), q);
    expect(at(0.5)).toBeCloseTo(bucketValue(bucketOf(10)), 9); // rank 2 of 4, not rank 1.5
    expect(at(0.9)).toBeCloseTo(bucketValue(bucketOf(1000)), 9); // rank ceil(3.6) = 4
    expect(at(0)).toBeCloseTo(bucketValue(bucketOf(1)), 9);
    expect(at(1)).toBeCloseTo(bucketValue(bucketOf(1000)), 9);
    expect(quantile(binsOf([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), 0.9)).toBeCloseTo(
      bucketValue(bucketOf(15)),
      9,
    ); // 0.9 x 10 is rank 9, whatever the float says
    expect(nearestRank(0.5, 1)).toBe(1);
    expect(nearestRank(0.5, 3)).toBe(2);
  });

  it('gives the median and p90 within 1 % of the exact nearest-rank values', () => {
    fc.assert(
      fc.property(fc.array(seconds, { minLength: 1, maxLength: 300 }), (values) => {
        for (const q of [0.5, 0.9]) {
          const estimate = quantile(binsOf(values), q)!;
          const truth = exact(values, q);
          expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(truth * RELATIVE_ACCURACY + 1e-9);
        }
      }),
    );
  });

  it('merges by summing bins, in any order, as if the values had been counted together', () => {
    fc.assert(
      fc.property(fc.array(fc.array(seconds, { maxLength: 50 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const merged: SketchBins = {};
        for (const part of [...parts].reverse()) {
          for (const [k, n] of Object.entries(binsOf(part))) merged[k] = (merged[k] ?? 0) + n;
        }
        const all = parts.flat();
        for (const q of [0.5, 0.9]) expect(quantile(merged, q)).toBe(quantile(binsOf(all), q));
      }),
    );
  });

  it('counts zero in its own bucket and answers null when empty', () => {
    expect(bucketOf(0)).toBe('z');
    expect(quantile(binsOf([0, 0, 5]), 0.5)).toBe(0);
    expect(quantile({}, 0.5)).toBeNull();
  });

  it('counts values at or below the smallest indexable one as zero, as the library does', () => {
    const smallest = 2 ** -1023 * (1 + (2 * RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY));
    expect(bucketOf(smallest)).toBe('z');
    expect(bucketOf(smallest * 2)).not.toBe('z');
    expect(Number(bucketOf(smallest * 2))).toBe(reference.key(smallest * 2));
  });

  it('ranks the zero bucket below every other, including the buckets of fractions of a second', () => {
    // Sub-second values have negative bucket indices; zero must still come first.
    const values = [0, 0.004, 0.5, 3];
    expect(quantile(binsOf(values), 0)).toBe(0);
    expect(quantile(binsOf(values), 0.25)).toBe(0);
    expect(quantile(binsOf(values), 0.5)).toBeCloseTo(bucketValue(bucketOf(0.004)), 12);
    expect(quantile(binsOf([5, 5, 0]), 0)).toBe(0);
    expect(quantile(binsOf([0, 0, 5]), 1)).toBeCloseTo(bucketValue(bucketOf(5)), 12);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), seconds), { minLength: 1, maxLength: 100 }),
        fc.constantFrom(0, 0.25, 0.5, 0.9, 1),
        (all, q) => {
          const estimate = quantile(binsOf(all), q)!;
          const truth = exact(all, q);
          expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(truth * RELATIVE_ACCURACY + 1e-9);
        },
      ),
    );
  });

  it('leaves out a bucket whose count a subtraction took to zero or below', () => {
    // Tallies are added and subtracted (a lead's old figures out, its new ones in); a bucket left
    // at zero or below counts no response.
    const bins: SketchBins = { [bucketOf(1)]: -1, [bucketOf(10)]: 1, [bucketOf(100)]: 1, [ZERO]: 0 };
    expect(quantile(bins, 0)).toBeCloseTo(bucketValue(bucketOf(10)), 12);
    expect(quantile(bins, 0.5)).toBeCloseTo(bucketValue(bucketOf(10)), 12);
    expect(quantile(bins, 1)).toBeCloseTo(bucketValue(bucketOf(100)), 12);
    expect(quantile({ [bucketOf(1)]: -2, [bucketOf(10)]: 0 }, 0.5)).toBeNull();
  });
});
