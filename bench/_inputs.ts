import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './options.js';
const name = process.argv[2]!;
const r = await build({ ...bundleOptions, entryPoints: { [name]: join('/work/main/functions', name, 'handler.ts') }, outdir: '/tmp/cold/out2', outExtension: { '.js': '.mjs' }, metafile: true, logLevel: 'error' });
const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
const rows = Object.entries(out.inputs).filter(([k]) => !k.includes('node_modules/@aws-sdk') && !k.includes('node_modules/@smithy')).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
for (const [k, v] of rows.slice(0, Number(process.argv[3] ?? 40))) console.log(String(v.bytesInOutput).padStart(7), k);
