/**
 * Part 2: warm in-process latency per route against DynamoDB Local, and the raw round trips the
 * read routes are held against, measured interleaved with them (same JIT, GC and disk state).
 */
import { pathToFileURL } from 'node:url';
import { type Handler, invoke } from './handlers.js';
import type { RawClient, rawClient } from './raw-client.js';
import { percentile } from './stats.js';
import type { Baseline, Scenario } from './workload.js';

export interface LatencyResult {
  scenario: Scenario;
  samples: number[];
  /** The baseline round trips, run interleaved with this route's calls, if it has a baseline. */
  baseline?: number[];
  /** Why the route could not be measured (its calls failed). */
  error?: string;
}

/** The bundled raw client (bench/raw-client.ts), pointed at `endpoint`. */
export async function loadRawClient(file: string, endpoint: string): Promise<RawClient> {
  const loaded: unknown = await import(pathToFileURL(file).href);
  if (typeof loaded !== 'object' || loaded === null || !('rawClient' in loaded)) {
    throw new Error(`${file} exports no rawClient`);
  }
  const factory = loaded.rawClient;
  if (typeof factory !== 'function') throw new Error(`${file}: rawClient is not a function`);
  return (factory as typeof rawClient)(endpoint);
}

/** One raw round trip with the bare DocumentClient. */
export function baselineCall(client: RawClient, baseline: Baseline): () => Promise<unknown> {
  if ('get' in baseline) {
    return async () => {
      if (!(await client.get(baseline.get))) throw new Error('the raw GetItem found no lead');
    };
  }
  return async () => {
    const items = await client.query(baseline.query);
    if (items.length < 25) throw new Error('the raw Query found fewer than 25 leads');
  };
}

const timed = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

export async function measure(
  scenario: Scenario,
  handler: Handler,
  options: { warmup: number; iterations: number; client: RawClient },
): Promise<LatencyResult> {
  try {
    return await run(scenario, handler, options);
  } catch (error) {
    return { scenario, samples: [], error: (error as Error).message };
  }
}

async function run(
  scenario: Scenario,
  handler: Handler,
  options: { warmup: number; iterations: number; client: RawClient },
): Promise<LatencyResult> {
  const call = () => invoke(handler, scenario.route, scenario.next());
  const rawCall = scenario.baseline ? baselineCall(options.client, scenario.baseline) : undefined;
  for (let i = 0; i < options.warmup; i++) {
    await call();
    if (rawCall) await rawCall();
  }
  const samples: number[] = [];
  const rawSamples: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    // Alternate which goes first, so neither always follows the other.
    if (rawCall && i % 2 === 1) rawSamples.push(await timed(rawCall));
    samples.push(await timed(call));
    if (rawCall && i % 2 === 0) rawSamples.push(await timed(rawCall));
  }
  return {
    scenario,
    samples,
    ...(rawCall ? { baseline: rawSamples } : {}),
  };
}

export const p50 = (samples: readonly number[]) => percentile(samples, 0.5);
export const p99 = (samples: readonly number[]) => percentile(samples, 0.99);
