/**
 * `npx tsx scripts/mutation-summary.ts [--survivors] [--pending] [report ...]`: one mutation score for all of
 * `functions/domain/`, per file and overall, from the JSON reports of several Stryker runs and
 * the event-recorder directories of runs still going or stopped early (by default everything in
 * `reports/mutation/`). A whole run takes hours on this machine, so the domain is scored in parts
 * (`MUTATION_RUN=<name> npm run mutation -- --mutate <files>`); this adds the parts up.
 *
 * Only results measured on the code as it is now count: a report's file whose source differs from
 * the working tree's is dropped whole, so a result never outlives the code it was measured on and a
 * mutant that no longer exists counts for nothing. Events carry no source, so each run records the
 * domain it measures and when it started (`reports/mutation/run-<name>.sources.json`, written by
 * `stryker.config.mjs`); an events directory without that record is not read. Per mutant the
 * newest run that scored it wins (a run over some lines of a file, or one that left the static
 * mutants out with `--ignoreStatic`, leaves the rest to older runs); runs are ordered by that
 * recorded start, never by file times (a copied directory has new ones), and a JSON report of a
 * run that recorded none counts as the oldest. A domain file with no result on its current code is
 * listed as not measured.
 *
 * Score: (killed + timed out) / (killed + timed out + survived + no coverage), as Stryker counts it;
 * mutants that do not compile (the TypeScript checker) or that were left out are not in it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/** What `stryker.config.mjs` writes as a run starts: the domain it measures, and when. */
const runSourcesSchema = z.object({
  startedAt: z.iso.datetime(),
  sources: z.record(z.string(), z.string()),
  /** The files the run mutated (`--mutate`): its reports carry other files over unchecked. */
  mutated: z.array(z.string()),
});
type RunSources = z.infer<typeof runSourcesSchema>;

function runSources(dir: string, run: string): RunSources | undefined {
  const path = join(dir, `run-${run}.sources.json`);
  if (!existsSync(path)) return undefined;
  return runSourcesSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * A run's event-recorder directory as a report: every mutant of its plan, with the result of
 * those tested so far (the others `Pending`), so a run stopped early still counts for what it
 * measured. Events carry no source: the run's snapshot of the domain supplies it.
 */
function eventsReport(dir: string, sources: RunSources['sources']): Report {
  const names = readdirSync(dir).sort();
  const planFile = names.find((name) => name.endsWith('-onMutationTestingPlanReady.json'));
  if (!planFile) return { files: {} };
  const files: Report['files'] = {};
  const byId = new Map<string, Mutant>();
  for (const { mutant } of planSchema.parse(JSON.parse(readFileSync(join(dir, planFile), 'utf8')))
    .mutantPlans) {
    const file = domainName(mutant.fileName);
    const source = sources[file];
    if (source === undefined) continue;
    files[file] ??= { source, mutants: [] };
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

/**
 * The files a run mutated. Stryker's incremental mode carries every other file of its incremental
 * file into the run's plan and report, with the statuses of the run that measured them and the
 * source as it is today: reading those would date old results to this run's code.
 */
function onlyMutated(report: Report, mutated: readonly string[]): Report {
  const keep = new Set(mutated);
  return {
    files: Object.fromEntries(Object.entries(report.files).filter(([file]) => keep.has(domainName(file)))),
  };
}

interface Run {
  name: string;
  /** When the run started; 0 for a report of an older run that did not record it (oldest). */
  at: number;
  report: Report;
}

/**
 * Every JSON report and event directory under reports/mutation (or the paths given). File times
 * are not used: a copied directory has new ones.
 */
function reports(args: string[], skipped: string[]): Run[] {
  const dir = 'reports/mutation';
  const paths = args.length > 0 ? args : readdirSync(dir).map((name) => join(dir, name));
  return paths.flatMap((path): Run[] => {
    const name = basename(path);
    if (statSync(path).isDirectory()) {
      if (!name.startsWith('events-')) return [];
      const run = name.slice('events-'.length);
      const recorded = runSources(dirname(path), run);
      if (!recorded) {
        skipped.push(`${path} (no run-${run}.sources.json: what code it measured is unknown)`);
        return [];
      }
      return [
        {
          name: run,
          at: Date.parse(recorded.startedAt),
          report: onlyMutated(eventsReport(path, recorded.sources), recorded.mutated),
        },
      ];
    }
    if (!name.endsWith('.json') || name.endsWith('.sources.json')) return [];
    const run = name.slice(0, -'.json'.length);
    const recorded = runSources(dirname(path), run);
    const report = reportSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    return [
      {
        name: run,
        at: recorded ? Date.parse(recorded.startedAt) : 0,
        report: recorded ? onlyMutated(report, recorded.mutated) : report,
      },
    ];
  });
}

/**
 * The mutants of each file as it is now: per mutant, the newest run that scored it (a run over
 * some lines of a file, or one that left its static mutants out, leaves the others to older
 * runs). Results measured on any other version of a file are dropped, so a mutant that no longer
 * exists, or whose code changed, counts for nothing.
 */
function merge(runs: Run[], current: Map<string, string>): Map<string, Mutant[]> {
  const newestFirst = [...runs].sort((a, b) => b.at - a.at);
  const merged = new Map<string, Map<string, Mutant>>();
  for (const { report } of newestFirst) {
    for (const [file, result] of Object.entries(report.files)) {
      const name = domainName(file);
      if (current.get(name) !== result.source) continue;
      const held = merged.get(name) ?? new Map<string, Mutant>();
      merged.set(name, held);
      for (const mutant of result.mutants) {
        const key = keyOf(mutant);
        const newer = held.get(key);
        if (!newer || (LEFT_OUT.has(newer.status) && !LEFT_OUT.has(mutant.status))) held.set(key, mutant);
      }
    }
  }
  return new Map([...merged].map(([file, mutants]) => [file, [...mutants.values()]]));
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

/** The code a mutant replaced, on one line and short, for the list of survivors. */
function original(source: string, m: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  const text =
    start.line === end.line
      ? (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
      : `${(lines[start.line - 1] ?? '').slice(start.column - 1)} …`;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 70 ? `${flat.slice(0, 69)}…` : flat;
}

/** The lines of a file's mutants not run yet, merged into ranges for Stryker's `--mutate file:from-to`. */
function pendingLines(mutants: Mutant[]): [number, number][] {
  const ranges: [number, number][] = [];
  const sorted = [...mutants].sort((a, b) => a.location.start.line - b.location.start.line);
  for (const { location } of sorted) {
    const last = ranges.at(-1);
    if (last && location.start.line <= last[1] + 1) last[1] = Math.max(last[1], location.end.line);
    else ranges.push([location.start.line, location.end.line]);
  }
  return ranges;
}

function main() {
  const args = process.argv.slice(2);
  const listSurvivors = args.includes('--survivors');
  const listPending = args.includes('--pending');
  const domainFiles = readdirSync(DOMAIN)
    .filter((name) => name.endsWith('.ts') && !UNMUTATED.has(name))
    .map((name) => `${DOMAIN}/${name}`);
  const current = new Map(domainFiles.map((file) => [file, readFileSync(file, 'utf8')]));
  const skipped: string[] = [];
  const byFile = merge(
    reports(
      args.filter((arg) => arg !== '--survivors' && arg !== '--pending'),
      skipped,
    ),
    current,
  );
  const rows: Row[] = [];
  const missing: string[] = [];
  for (const file of domainFiles) {
    const mutants = byFile.get(file);
    if (!mutants) {
      missing.push(file);
      continue;
    }
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
  console.log('| file | score | detected | survived | static scored | left out | not run yet | not valid |');
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
    for (const [file, mutants] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
      for (const m of mutants.filter((x) => UNDETECTED.has(x.status))) {
        console.log(
          `  ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${m.status}: ${original(current.get(file) ?? '', m)} -> ${JSON.stringify(m.replacement ?? '')}`,
        );
      }
    }
  }
  if (listPending) {
    const ranges = [...byFile].flatMap(([file, mutants]) =>
      pendingLines(mutants.filter((m) => m.status === 'Pending')).map(
        ([from, to]) => `${file}:${from}-${to}`,
      ),
    );
    console.log(
      ranges.length > 0
        ? `\nThe lines of the mutants not run yet (a run over them scores these and redoes the others on those lines):\n  --mutate ${ranges.join(',')}`
        : '\nNo mutant is left unrun.',
    );
  }
  if (missing.length > 0)
    console.log(`\nNot measured on the current code (rerun them): ${missing.join(', ')}`);
  if (skipped.length > 0) console.log(`\nNot read:\n  ${skipped.join('\n  ')}`);
}

main();
