import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { mappedStack } from '../../functions/shared/mapped-stack.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mapped-stack-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mappedStack', () => {
  it('points the frames of a minified bundle with a linked map at the original source', async () => {
    const source = join(dir, 'thrower.ts');
    writeFileSync(
      source,
      ['export function fail(): string {', "  return new Error('boom').stack ?? '';", '}', ''].join('\n'),
    );
    const bundle = join(dir, 'index.mjs');
    await build({
      entryPoints: [source],
      bundle: true,
      minify: true,
      sourcemap: true,
      format: 'esm',
      outfile: bundle,
      logLevel: 'error',
    });
    // Jest maps the stacks of what it runs itself: build the frame V8 would print for the bundle.
    const code = readFileSync(bundle, 'utf8');
    const column = code.indexOf('new Error("boom")') + 1;
    expect(column).toBeGreaterThan(0);
    const stack = `Error: boom\n    at fail (${pathToFileURL(bundle).href}:1:${column})`;

    const mapped = mappedStack(stack);
    expect(mapped).toMatch(/thrower\.ts:2:10\)$/);
    expect(mapped).not.toContain(`${pathToFileURL(bundle).href}:1:`);
  });

  it('leaves frames without a map as they are', () => {
    const stack = `Error: boom\n    at handler (${pathToFileURL(join(dir, 'no-map.mjs')).href}:3:7)`;
    expect(mappedStack(stack)).toBe(stack);
  });
});
