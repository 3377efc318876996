/**
 * Ends the browser tests' runtime (with its DynamoDB Local java child) and prints where the
 * screenshots are and what the tests measured (first-load JavaScript, time to the first lead list).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopRuntimes } from '../integration/global-teardown';
import type { BrowserState } from './global-setup';

export default async function globalTeardown() {
  const state = (globalThis as { __browser?: BrowserState }).__browser;
  if (!state) return;
  const { runtime } = state;
  await stopRuntimes([runtime.pid], runtime.dog === undefined ? [] : [runtime.dog], [runtime.child]);
  const dir = process.env.BROWSER_SCREENSHOTS;
  if (!dir || !existsSync(dir)) return;
  const shots = readdirSync(dir).filter((f) => f.endsWith('.png'));
  const lines = [`browser: ${shots.length} screenshots in ${dir}`];
  const measured = join(dir, 'measurements.json');
  if (existsSync(measured)) {
    const m = JSON.parse(readFileSync(measured, 'utf8')) as {
      firstLoadJsGzipBytes: number;
      firstLeadListMs: { p50: number; samples: number[] };
    };
    lines.push(
      `browser: leads page first-load JavaScript ${(m.firstLoadJsGzipBytes / 1000).toFixed(1)} KB gzipped (budget 250 KB)`,
      `browser: time to the first lead list p50 ${m.firstLeadListMs.p50.toFixed(0)} ms over ${m.firstLeadListMs.samples.length} loads (${m.firstLeadListMs.samples.map((s) => s.toFixed(0)).join(', ')} ms)`,
    );
  }
  console.log(`\n${lines.join('\n')}`);
}
