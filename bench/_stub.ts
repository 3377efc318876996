import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { bundleOptions } from './options.js';
// usage: _stub.ts <route> <outname> [file=stubsource ...]
const [name, outName, ...specs] = process.argv.slice(2);
const stubs = new Map(specs.map((s) => { const i = s.indexOf('='); return [resolve(s.slice(0, i)), s.slice(i + 1)]; }));
const plugin: Plugin = { name: 'stub', setup(b) {
  b.onLoad({ filter: /.*/ }, (args) => stubs.has(args.path) ? { contents: stubs.get(args.path)!, loader: 'ts' } : undefined);
} };
await build({ ...bundleOptions, entryPoints: { [outName!]: join('/work/main/functions', name!, 'handler.ts') }, outdir: '/tmp/cold/exp', outExtension: { '.js': '.mjs' }, plugins: [plugin], logLevel: 'error' });
