/**
 * The response-time sketch: the same keys, values and quantiles as @datadog/sketches-js (the
 * reference implementation), quantiles within 1 % of the exact ones, and merging by summing bins.
 */
import { createRequire } from 'node:module';
import type { DDSketch as Sketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import {
  bucketOf,
  bucketValue,
  quantile,
  RELATIVE_ACCURACY,
  type SketchBins,
} from '../../functions/domain/sketch.js';

// CommonJS whose names Node cannot see statically, and the mapping is not exported from the root.
const require = createRequire(import.meta.url);
const { DDSketch } = require('@datadog/sketches-js') as { DDSketch: typeof Sketch };
const { LogarithmicMapping } = require('@datadog/sketches-js/dist/ddsketch/mapping') as {
  LogarithmicMapping: new (relativeAccuracy: number) => { key(v: number): number; value(k: number): number };
};

const binsOf = (values: number[]): SketchBins => {
  const bins: SketchBins = {};
  for (const v of values) bins[bucketOf(v)] = (bins[bucketOf(v)] ?? 0) + 1;
  return bins;
};
/** The exact value at rank q x (n - 1), the rank DDSketch answers for. */
const exact = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
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

  it('answers the same quantiles as the library DDSketch', () => {
    fc.assert(
      fc.property(
        fc.array(seconds, { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
          for (const v of values) sketch.accept(v);
          expect(quantile(binsOf(values), q)).toBeCloseTo(sketch.getValueAtQuantile(q), 6);
        },
      ),
    );
  });

  it('gives the median and p90 within 1 % of the exact values', () => {
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
});
