/**
 * How the zod schemas are defined, for a small cold start. They use `zod/mini`, the functional API
 * on the same core as classic zod (same checks, issues and messages, and zod-openapi reads them
 * alike): classic's method table pulls all of classic zod (about 90 KB) into every bundle.
 *
 * And a function bundles and builds only the schemas it uses. esbuild keeps a zod chain's method
 * calls (`.check()`) as side effects even under `@__PURE__`, so a plain `const x = z.object({ … })`
 * is built at import in every function that imports its module; building the whole API's schemas
 * cost every HTTP function about as much as zod itself (README, cold start).
 */
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

// Classic zod loads its English messages itself; mini leaves the choice to the app. The messages
// are part of the API (the `errors` of a 400).
z.config(en());

/**
 * A schema built at import, which a bundle that never reads it leaves out. Call it as
 * `/* @__PURE__ *\/ pureSchema(() => z…)`: esbuild does not carry the annotation across modules.
 */
export const pureSchema = <T>(build: () => T): T => build();

/**
 * A schema built on first use, for what no handler parses (response bodies: only the OpenAPI
 * document reads them). Also call it with `/* @__PURE__ *\/`.
 */
export function lazySchema<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

/**
 * Classic zod's `.meta()`: a copy of the schema with metadata for the OpenAPI document (`id` makes
 * it a component). Mini's `.register()` would describe the shared schema itself, everywhere it is
 * used, and its `z.meta()` check counts as a refinement, which `z.extend` refuses.
 */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
}
