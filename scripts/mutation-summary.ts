/**
 * `npx tsx scripts/mutation-summary.ts [--survivors] [report ...]`: one mutation score for all of
 * `functions/domain/`, per file and overall, from the JSON reports of several Stryker runs and
 * the event-recorder directories of runs still going or stopped early (by default everything in
 * `reports/mutation/`). A whole run takes hours on this machine, so the
 * domain is scored in parts (`MUTATION_RUN=<name> npm run mutation -- --mutate <files>`); this adds
 * the parts up. Per mutant the newest report that scored it wins (a run over some lines of a file,
 * or one that left the static mutants out with `--ignoreStatic`, leaves the rest to older runs),
 * and only reports of the same source as the file's newest: a result never outlives the code it
 * was measured on. A domain file no report covers is listed as not measured, and the overall line
 * says so.
 *
 * Score: (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker counts it;
 * mutants that do not compile (the TypeScript checker) or that were left out are not in it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const mutantSchema = z.object({
  mutatorName: z.string(),
  replacement: z.string().optional(),
  status: z.string(),
  static: z.boolean().optional(),
  location: z.object({
    start: z.object({ line: z.number(), column: z.number() }),
    end: z.object({ line: z.number(), column: z.number() }),
  }),
});
const reportSchema = z.object({
  files: z.record(z.string(), z.object({ source: z.string(), mutants: z.array(mutantSchema) })),
});
type Mutant = z.infer<typeof mutantSchema>;

const DOMAIN = 'functions/domain';
/** Types only: nothing in it can be mutated. */
const UNMUTATED = new Set(['ports.ts']);
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const LEFT_OUT = new Set(['Ignored', 'Pending']);

const keyOf = (m: Mutant) =>
  `${m.mutatorName}@${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}=${m.replacement ?? ''}`;

type Report = z.infer<typeof reportSchema>;

const planSchema = z.object({
  mutantPlans: z.array(
    z.object({
      mutant: mutantSchema.extend({ id: z.string(), fileName: z.string(), status: z.string().optional() }),
    }),
  ),
});
const testedSchema = z.object({ id: z.string(), status: z.string() });

const domainName = (file: string) => file.replace(/^.*?functions\/domain\//, `${DOMAIN}/`);

/**
 * The source of a file as committed when a run began: events carry no source, and the run's
 * sandbox is gone. Runs are started from a clean tree, so the branch's last commit before the
 * plan was written holds what the run measured.
 */
function sourceAt(file: string, atMs: number): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' });
  const commit = git(
    'rev-list',
    '-1',
    '--first-parent',
    `--before=@${Math.floor(atMs / 1000)}`,
    'HEAD',
  ).trim();
  return git('show', `${commit}:${file}`);
}

/**
 * A run's event-recorder directory as a report: every mutant of its plan, with the result of
 * those tested so far (the others `Pending`), so a run stopped early still counts for what it
 * measured.
 */
function eventsReport(dir: string): Report {
  const names = readdirSync(dir).sort();
  const planFile = names.find((name) => name.endsWith('-onMutationTestingPlanReady.json'));
  if (!planFile) return { files: {} };
  const planned = statSync(join(dir, planFile)).mtimeMs;
  const files: Report['files'] = {};
  const byId = new Map<string, Mutant>();
  for (const { mutant } of planSchema.parse(JSON.parse(readFileSync(join(dir, planFile), 'utf8')))
    .mutantPlans) {
    const file = domainName(mutant.fileName);
    files[file] ??= { source: sourceAt(file, planned), mutants: [] };
    // Events carry Stryker's 0-based positions; the JSON report and its schema count from 1.
    const { start, end } = mutant.location;
    const location = {
      start: { line: start.line + 1, column: start.column + 1 },
      end: { line: end.line + 1, column: end.column + 1 },
    };
    const entry = { ...mutant, location, status: mutant.status ?? 'Pending' };
    files[file].mutants.push(entry);
    byId.set(mutant.id, entry);
  }
  for (const name of names.filter((n) => n.endsWith('-onMutantTested.json'))) {
    const tested = testedSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    const entry = byId.get(tested.id);
    if (entry) entry.status = tested.status;
  }
  return { files };
}

/** Every JSON report and event directory under reports/mutation (or the paths given). */
function reports(args: string[]): Array<{ at: number; report: Report }> {
  const dir = 'reports/mutation';
  const paths = args.length > 0 ? args : readdirSync(dir).map((name) => join(dir, name));
  return paths.flatMap((path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const names = readdirSync(path);
      const at = Math.max(stat.mtimeMs, ...names.map((name) => statSync(join(path, name)).mtimeMs));
      return [{ at, report: eventsReport(path) }];
    }
    if (!path.endsWith('.json')) return [];
    return [{ at: stat.mtimeMs, report: reportSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) }];
  });
}

/**
 * The mutants of each file: per mutant, the newest report that scored it (a run over some lines of
 * a file, or one that left its static mutants out, leaves the others to older runs), and only
 * reports of the source the newest report measured.
 */
function merge(
  runs: Array<{ at: number; report: Report }>,
): Map<string, { source: string; mutants: Mutant[] }> {
  const newestFirst = [...runs].sort((a, b) => b.at - a.at);
  const merged = new Map<string, { source: string; mutants: Map<string, Mutant> }>();
  for (const { report } of newestFirst) {
    for (const [file, result] of Object.entries(report.files)) {
      const name = domainName(file);
      const held = merged.get(name) ?? { source: result.source, mutants: new Map<string, Mutant>() };
      merged.set(name, held);
      if (held.source !== result.source) continue;
      for (const mutant of result.mutants) {
        const key = keyOf(mutant);
        const newer = held.mutants.get(key);
        if (!newer || (LEFT_OUT.has(newer.status) && !LEFT_OUT.has(mutant.status)))
          held.mutants.set(key, mutant);
      }
    }
  }
  return new Map(
    [...merged].map(([file, { source, mutants }]) => [file, { source, mutants: [...mutants.values()] }]),
  );
}

interface Row {
  file: string;
  detected: number;
  undetected: number;
  leftOut: number;
  notRun: number;
  staticScored: number;
  invalid: number;
}

const score = (r: Pick<Row, 'detected' | 'undetected'>) =>
  r.detected + r.undetected === 0
    ? '—'
    : `${((100 * r.detected) / (r.detected + r.undetected)).toFixed(1)} %`;

function main() {
  const args = process.argv.slice(2);
  const listSurvivors = args.includes('--survivors');
  const byFile = merge(reports(args.filter((arg) => arg !== '--survivors')));
  const domainFiles = readdirSync(DOMAIN)
    .filter((name) => name.endsWith('.ts') && !UNMUTATED.has(name))
    .map((name) => `${DOMAIN}/${name}`);
  const rows: Row[] = [];
  const missing: string[] = [];
  const stale: string[] = [];
  for (const file of domainFiles) {
    const measured = byFile.get(file);
    if (!measured) {
      missing.push(file);
      continue;
    }
    // A file changed since it was measured: its figure is of the old code, and says so.
    if (measured.source !== readFileSync(file, 'utf8')) stale.push(file);
    const mutants = measured.mutants;
    const row: Row = { file, detected: 0, undetected: 0, leftOut: 0, notRun: 0, staticScored: 0, invalid: 0 };
    for (const m of mutants) {
      if (DETECTED.has(m.status)) row.detected++;
      else if (UNDETECTED.has(m.status)) row.undetected++;
      else if (m.status === 'Pending') row.notRun++;
      else if (LEFT_OUT.has(m.status)) row.leftOut++;
      else row.invalid++;
      if (m.static && (DETECTED.has(m.status) || UNDETECTED.has(m.status))) row.staticScored++;
    }
    rows.push(row);
  }
  rows.sort((a, b) => a.file.localeCompare(b.file));
  const total = rows.reduce(
    (t, r) => ({
      detected: t.detected + r.detected,
      undetected: t.undetected + r.undetected,
      leftOut: t.leftOut + r.leftOut,
      notRun: t.notRun + r.notRun,
      staticScored: t.staticScored + r.staticScored,
      invalid: t.invalid + r.invalid,
    }),
    { detected: 0, undetected: 0, leftOut: 0, notRun: 0, staticScored: 0, invalid: 0 },
  );
  console.log(
    '| file | score | detected | survived | static scored | static left out | not run yet | not valid |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| \`${r.file.slice(DOMAIN.length + 1)}\` | ${score(r)} | ${r.detected} | ${r.undetected} | ${r.staticScored} | ${r.leftOut} | ${r.notRun} | ${r.invalid} |`,
    );
  }
  console.log(
    `| **all ${rows.length} of ${domainFiles.length}** | **${score(total)}** | ${total.detected} | ${total.undetected} | ${total.staticScored} | ${total.leftOut} | ${total.notRun} | ${total.invalid} |`,
  );
  if (listSurvivors) {
    console.log('\nSurvivors:');
    for (const [file, { mutants }] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
      for (const m of mutants.filter((x) => UNDETECTED.has(x.status))) {
        console.log(
          `  ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${m.status} -> ${JSON.stringify(m.replacement ?? '')}`,
        );
      }
    }
  }
  if (missing.length > 0) console.log(`\nNot measured: ${missing.join(', ')}`);
  if (stale.length > 0) console.log(`\nChanged since measured (rerun them): ${stale.join(', ')}`);
}

main();
