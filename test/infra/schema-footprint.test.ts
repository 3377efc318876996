/**
 * Each function builds only the zod schemas it uses. A module-level `z.object(…)` that is not
 * defined through `pureSchema`/`lazySchema` (functions/domain/schema-building.ts) stays in every
 * bundle that imports its module, and building the whole API's schemas once cost every HTTP
 * function about as much as zod itself (README, cold start). Counted by importing the bundles as
 * deployed, with zod's post-construction hook counting every schema and check it builds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Bundle, buildBundles } from '../../bench/bundles.js';
import { deployedEnv } from '../../bench/environment.js';

// zod reads `globalThis.__zod_globalConfig.postProcessor` after building each instance.
const COUNT = `
let built = 0;
globalThis.__zod_globalConfig = { postProcessor: () => { built += 1; } };
await import(process.argv[1]);
process.stdout.write(String(built));
`;

function schemasBuiltAtImport(bundle: Bundle): number {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', COUNT, pathToFileURL(bundle.file).href],
    { env: deployedEnv(), encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`importing ${bundle.name} failed: ${child.stderr.slice(-800)}`);
  return Number(child.stdout);
}

let built: Map<string, number>;

beforeAll(async () => {
  const names = ['health', 'openapi', 'get-webhook', 'get-insights', 'get-lead', 'list-leads'];
  const bundles = await buildBundles(
    Object.fromEntries(names.map((name) => [name, join('functions', name, 'handler.ts')])),
    mkdtempSync(join(tmpdir(), 'schema-footprint-')),
  );
  built = new Map(bundles.map((bundle) => [bundle.name, schemasBuiltAtImport(bundle)]));
}, 60_000);

describe('schemas built at import', () => {
  it('are none of the API for a function without schemas of its own (the whole API is about 800)', () => {
    // The partner id of a token is checked with the slug schema: that one, and nothing else.
    expect(built.get('health')).toBeLessThanOrEqual(5);
    // Its document is generated at build time (functions/openapi/document.json).
    expect(built.get('openapi')).toBeLessThanOrEqual(5);
  });

  it("are only the route's own for the others: no lead schema in a webhook or insights function", () => {
    expect(built.get('get-webhook')).toBeLessThan(100);
    expect(built.get('get-insights')).toBeLessThan(100);
  });

  it('are the shape of a stored lead for a lead read, not the input rules of its fields (about 210)', () => {
    // The stored-lead schema is about 65 (functions/domain/lead.ts, `storedRules`); the rest is
    // the route's parameters, the token's checks and the sender lookup's schema.
    expect(built.get('get-lead')).toBeLessThan(100);
    expect(built.get('list-leads')).toBeLessThan(120);
  });
});
