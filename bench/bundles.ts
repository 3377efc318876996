/**
 * Part 1: every function bundled as deployed, next to a floor bundle that only builds a DynamoDB
 * DocumentClient, then cold-imported in fresh Node processes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { bundleOptions } from './options.js';
import { median } from './stats.js';

export const FLOOR = 'FLOOR';

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** Output bytes per package ("app" for the project's own code). */
  parts: Map<string, number>;
  /** The input files with code in the output, as esbuild names them (relative to the working directory). */
  inputs: Set<string>;
}

/** The package an input file belongs to: the last node_modules/<pkg> in its path, else the app. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return 'app';
  const [scope, name] = input.slice(at + 'node_modules/'.length).split('/');
  return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? 'unknown');
}

function partsOf(output: Metafile['outputs'][string]): Map<string, number> {
  const parts = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = packageOf(input);
    parts.set(key, (parts.get(key) ?? 0) + bytesInOutput);
  }
  return parts;
}

/**
 * Bundles every entry (name -> source file) into outDir as <name>.mjs, in one esbuild run, as the
 * HTTP functions are bundled unless other `options` are given.
 */
export async function buildBundles(
  entries: Record<string, string>,
  outDir: string,
  options: BuildOptions = bundleOptions,
): Promise<Bundle[]> {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    ...options,
    entryPoints: entries,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'error',
  });
  return Object.keys(entries).map((name) => {
    const file = resolve(outDir, `${name}.mjs`);
    const key = Object.keys(result.metafile.outputs).find((o) => resolve(o) === file);
    if (!key) throw new Error(`esbuild wrote no output for ${name}`);
    const output = result.metafile.outputs[key]!;
    const inputs = new Set(
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
    return { name, file, bytes: statSync(file).size, parts: partsOf(output), inputs };
  });
}

/** The packages that add the most bytes over the floor bundle, largest first. */
export function growthOverFloor(bundle: Bundle, floor: Bundle, top = 3): Array<[string, number]> {
  const growth: Array<[string, number]> = [];
  for (const [name, bytes] of bundle.parts) {
    const extra = bytes - (floor.parts.get(name) ?? 0);
    if (extra > 0) growth.push([name, extra]);
  }
  return growth.sort((a, b) => b[1] - a[1]).slice(0, top);
}

// The child times only the import: process start-up is the same for every bundle and left out.
// Wall time is the measure; the process's CPU time is kept too, as it suffers less from a busy machine.
const CHILD = `
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[1]);
const ms = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ ms, cpu: (user + system) / 1000 }));
`;

interface Sample {
  ms: number;
  cpu: number;
}

function importOnce(file: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      // Minified bundles print whole lines with their stack traces: keep the end, where the error is.
      if (code !== 0)
        return reject(new Error(`cold import of ${file} exited ${code}: ${err.trim().slice(-800)}`));
      try {
        resolvePromise(JSON.parse(out) as Sample);
      } catch {
        reject(
          new Error(
            `cold import of ${file} printed no timing: ${out.trim().slice(-200)} ${err.trim().slice(-800)}`,
          ),
        );
      }
    });
  });
}

/**
 * The order of one round: the bundles rotated by `round`, so drift and position effects spread over
 * all of them, with the reference bundle imported again after every `every` others.
 */
export function roundOrder(
  bundles: Bundle[],
  round: number,
  reference?: { name: string; every: number },
): Bundle[] {
  const rotated = bundles.map((_, i) => bundles[(i + round) % bundles.length]!);
  const anchor = reference && bundles.find((b) => b.name === reference.name);
  if (!anchor || !reference) return rotated;
  return rotated.flatMap((bundle, i) =>
    (i + 1) % reference.every === 0 && bundle !== anchor ? [bundle, anchor] : [bundle],
  );
}

/**
 * Median cold-import time per bundle over up to `runs` fresh processes each, in rounds that
 * interleave the bundles (`roundOrder`). Every ratio is over the reference bundle (the floor), so
 * its median is taken over several imports per round: a single median of it moved every ratio
 * together by up to 0.1x between quiet runs while the other bundles held still. On a busy machine
 * the rounds stop at `deadline` (ms of performance.now()), after at least `minRuns`, to keep the
 * whole bench short; the run count used is returned.
 */
export async function coldImports(
  bundles: Bundle[],
  options: {
    runs: number;
    minRuns: number;
    deadline: number;
    env: NodeJS.ProcessEnv;
    reference?: { name: string; every: number };
  },
  progress: (round: number) => void = () => undefined,
): Promise<{
  runs: number;
  wall: Map<string, number>;
  cpu: Map<string, number>;
  samples: Map<string, number>;
}> {
  const samples = new Map<string, Sample[]>(bundles.map((b) => [b.name, []]));
  let round = 0;
  while (round < options.runs && (round < options.minRuns || performance.now() < options.deadline)) {
    for (const bundle of roundOrder(bundles, round, options.reference)) {
      samples.get(bundle.name)!.push(await importOnce(bundle.file, options.env));
    }
    round += 1;
    progress(round);
  }
  const medians = (pick: (s: Sample) => number) =>
    new Map([...samples].map(([name, values]) => [name, median(values.map(pick))]));
  return {
    runs: round,
    wall: medians((s) => s.ms),
    cpu: medians((s) => s.cpu),
    samples: new Map([...samples].map(([name, values]) => [name, values.length])),
  };
}

export const bundleDir = (root: string) => join(root, '.bench', 'bundles');
