/** Small statistics and formatting helpers. */

/** Nearest-rank percentile (q in 0..1) of unsorted samples. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 0.5);

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '-');
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '-');
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A fixed-width text table; columns listed in `right` are right-aligned. */
export function table(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Budgets checked during one run, for the closing summary. */
export class Budgets {
  passed = 0;
  failed: string[] = [];

  /** Records a verdict and returns it as the PASS/FAIL cell. */
  check(name: string, ok: boolean): string {
    if (ok) this.passed += 1;
    else this.failed.push(name);
    return ok ? 'PASS' : 'FAIL';
  }
}
