/**
 * `LOCAL_TRACE=<file>`: the local runtime's stand-ins for AWS machinery (TTL emulator, stream
 * poller, queue pollers) append one JSON line per step of their work — when, what, how many records
 * and how long it took — so a bench can tell where a pipeline's time went. Off (a no-op) unless set.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.LOCAL_TRACE;
let buffered: string[] = [];
let flushTimer: NodeJS.Timeout | undefined;

const flush = () => {
  flushTimer = undefined;
  if (!file || buffered.length === 0) return;
  const lines = buffered.join('');
  buffered = [];
  appendFileSync(file, lines);
};

/** Notes that `what` handled `count` items (in `ms`, when it was timed). */
export function trace(what: string, count: number, ms?: number): void {
  if (!file) return;
  // Buffered and written a few times a second, so tracing does not itself slow the work it traces.
  buffered.push(`${JSON.stringify({ at: Date.now(), what, count, ...(ms === undefined ? {} : { ms }) })}\n`);
  if (flushTimer === undefined) flushTimer = setTimeout(flush, 200).unref();
}

/** Runs `work` and traces it as `what` with `count` items and its duration. */
export async function traced<T>(what: string, count: number, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    trace(what, count, performance.now() - start);
  }
}

process.once('exit', flush);
