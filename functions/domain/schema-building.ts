/**
 * How module-level zod schemas are defined so that a function bundles and builds only the ones it
 * uses. esbuild keeps a zod chain's method calls (`.optional()`, `.regex()`) as side effects even
 * under `@__PURE__`, so a plain `const x = z.object({ … })` is built at import in every function
 * that imports its module; building the whole API's schemas cost every HTTP function about as much
 * as zod itself (README, cold start).
 */

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
