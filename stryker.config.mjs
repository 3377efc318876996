// @ts-check
/**
 * `npm run mutation`: StrykerJS over the domain core against the unit tests (not in `npm test`: a
 * whole run takes hours on this shared machine). Score it in named parts and add them up (README,
 * "Mutation testing"): `MUTATION_RUN=<name> npm run mutation -- --mutate <files>`, then
 * `npx tsx scripts/mutation-summary.ts`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const run = process.env.MUTATION_RUN;
// MUTATION_JEST=domain (or schemas): jest.<name>.config.mjs, fewer tests for the static mutants.
const jest = process.env.MUTATION_JEST;

// A run's events carry no source, and a copied report keeps no trustworthy time: so each run
// writes, as it starts, the domain as it measures it and when (scripts/mutation-summary.ts counts
// a result only for the code it was measured on, and the newest result per mutant). Workers load
// this file again inside the sandbox, where there is no reports/ to write to.
if (existsSync('functions/domain') && existsSync('reports')) {
  const dir = 'functions/domain';
  const sources = Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => [`${dir}/${name}`, readFileSync(`${dir}/${name}`, 'utf8')]),
  );
  mkdirSync('reports/mutation', { recursive: true });
  // The files this run mutates: an incremental run's reports also carry over, unchecked and with
  // today's source, every other file of its incremental file, which the summary must not read.
  const flag = process.argv.findIndex((arg) => arg === '--mutate' || arg === '-m');
  const patterns = flag >= 0 ? (process.argv[flag + 1] ?? '').split(',') : [`${dir}/*.ts`];
  const mutated = Object.keys(sources).filter((file) =>
    patterns.some((pattern) => {
      const path = pattern.replace(/:[\d:-]+$/, '');
      return path === file || (path.endsWith('/*.ts') && file.startsWith(path.slice(0, -4)));
    }),
  );
  writeFileSync(
    `reports/mutation/run-${run ?? 'mutation'}.sources.json`,
    JSON.stringify({ startedAt: new Date().toISOString(), sources, mutated }),
  );
}

export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: jest ? `jest.${jest}.config.mjs` : 'jest.unit.config.mjs',
    enableFindRelatedTests: true,
  },
  // middy 7 is ESM-only, so Jest runs in ESM mode here too.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  checkers: ['typescript'],
  // The whole project (CDK, console, bench) made the checker crawl; the domain needs only these.
  tsconfigFile: 'tsconfig.mutation.json',
  mutate: ['functions/domain/*.ts', '!functions/domain/ports.ts'],
  coverageAnalysis: 'perTest',
  // Reruns test only the mutants whose code or covering tests changed since the last run.
  incremental: true,
  // MUTATION_RUN names a run's reports, so runs over different files keep theirs side by side and
  // `scripts/mutation-summary.ts` can add them up into one figure for the whole domain.
  incrementalFile: `reports/stryker-incremental${run ? `-${run}` : ''}.json`,
  // The machine is shared: two workers.
  concurrency: 2,
  timeoutMS: 20_000,
  // The event recorder writes each mutant's result as it comes: a run stopped early still tells
  // what it measured (scripts/mutation-summary.ts reads those too).
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: `reports/mutation/events-${run ?? 'mutation'}` },
  htmlReporter: { fileName: `reports/mutation/${run ?? 'index'}.html` },
  jsonReporter: { fileName: `reports/mutation/${run ?? 'mutation'}.json` },
  ignorePatterns: [
    'cdk.out',
    '.local',
    '.bench',
    'reports',
    'console/dist',
    'test/browser',
    'test/integration',
  ],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
