/**
 * The esbuild options the deployed functions are bundled with, translated from the CDK bundling
 * options every AppFunction uses (lib/constructs/app-function.ts), the way NodejsFunction turns
 * them into esbuild arguments, source maps included: with the deployed NODE_OPTIONS, Node reads
 * a linked map at import, so leaving it out would time something that is not deployed.
 */
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { httpBundling } from '../lib/constructs/app-function.js';

/** Settings that change nothing in the bundle's code, or only its source map. */
const NO_EFFECT = new Set([
  'logLevel',
  'metafile',
  'forceDockerBundling',
  'dockerImage',
  'assetHash',
  'bundlingFileAccess',
  'esbuildVersion',
  'buildArgs',
]);
const MAPPED = new Set([
  'minify',
  'keepNames',
  'format',
  'mainFields',
  'bundleAwsSDK',
  'externalModules',
  'target',
  'banner',
  'footer',
  'define',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
]);

/** NodejsFunction's --sourcemap argument: a linked .map file unless a mode says otherwise. */
function sourcemapOf(bundling: BundlingOptions): BuildOptions['sourcemap'] {
  if (!(bundling.sourceMapMode ?? bundling.sourceMap)) return false;
  const mode = bundling.sourceMapMode ?? SourceMapMode.DEFAULT;
  return mode === SourceMapMode.DEFAULT ? true : mode;
}

export function esbuildOptionsOf(bundling: BundlingOptions): BuildOptions {
  const unmapped = Object.keys(bundling).filter((key) => !NO_EFFECT.has(key) && !MAPPED.has(key));
  if (unmapped.length > 0) {
    // Better no bench than one that silently builds something other than what is deployed.
    throw new Error(`bench/options.ts does not translate the bundling option(s) ${unmapped.join(', ')} yet`);
  }
  return {
    bundle: true,
    platform: 'node',
    // NodejsFunction derives the target from the runtime when none is given: Node 24 here.
    target: bundling.target ?? 'node24',
    ...(bundling.format ? { format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs' } : {}),
    minify: bundling.minify ?? false,
    sourcemap: sourcemapOf(bundling),
    sourcesContent: bundling.sourcesContent ?? true,
    keepNames: bundling.keepNames ?? false,
    ...(bundling.mainFields ? { mainFields: [...bundling.mainFields] } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.define ? { define: { ...bundling.define } } : {}),
    // NodejsFunction's default leaves the runtime's SDK out unless bundleAwsSDK is set.
    external: [...(bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']))],
  };
}

/** How the HTTP functions are bundled, whose cold starts the bench measures. */
export const bundleOptions = esbuildOptionsOf(httpBundling);
