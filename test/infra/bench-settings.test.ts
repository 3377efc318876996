/**
 * The bench's cold imports measure what is deployed: bundles built with the stack's own bundling
 * options, run with the environment the stack gives every HTTP function, on the deployed Node major.
 * The stacks are synthesised without bundling (only their settings are compared), so this is quick.
 */
import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type Bundle, FLOOR, roundOrder } from '../../bench/bundles.js';
import { assertDeployedNode, deployedEnv, deployedNodeMajor, standIns } from '../../bench/environment.js';
import { bundleOptions, esbuildOptionsOf } from '../../bench/options.js';
import { routeList } from '../../functions/http/routes.js';
import {
  AppFunction,
  appBundling,
  appRuntime,
  bundlingOf,
  httpBundling,
} from '../../lib/constructs/app-function.js';
import { definePartnerReferrals } from '../../lib/partner-referrals.js';
import type { StatelessStack } from '../../lib/stateless-stack.js';

let stateless: StatelessStack;
let app: App;

beforeAll(() => {
  // An empty list of stacks to bundle: CDK leaves every asset unbuilt.
  app = new App({
    context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@partner-referrals.example' },
  });
  ({ stateless } = definePartnerReferrals(app, { prefix: '' }));
}, 60_000);

/** The environment variables of the function serving a route (or `no-route`), as the stack declares them. */
function deployedVariables(routeName: string): Record<string, unknown> {
  const fn = routeName === 'no-route' ? stateless.noRouteFunction : stateless.functions.get(routeName);
  if (!fn) throw new Error(`no function for ${routeName}`);
  const cfn = fn.node.defaultChild as CfnFunction;
  const environment = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> };
  return environment.variables ?? {};
}

describe('bench settings', () => {
  it("builds with the options NodejsFunction derives from the HTTP functions' bundling, source maps included", () => {
    expect(bundleOptions).toMatchObject({
      bundle: true,
      platform: 'node',
      format: httpBundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
      minify: httpBundling.minify,
      keepNames: false,
      target: httpBundling.target,
      mainFields: httpBundling.mainFields,
      banner: { js: httpBundling.banner },
      // The stack links a map beside each bundle: so does the bench.
      sourcemap: Boolean(httpBundling.sourceMap),
      sourcesContent: true,
      // bundleAwsSDK: the SDK is in the bundle, as deployed.
      external: [],
    });
  });

  it('translates every source map mode the way NodejsFunction does', () => {
    expect(esbuildOptionsOf({ sourceMap: false }).sourcemap).toBe(false);
    expect(esbuildOptionsOf({ sourceMap: true }).sourcemap).toBe(true);
    expect(esbuildOptionsOf({ sourceMapMode: SourceMapMode.INLINE }).sourcemap).toBe('inline');
    expect(esbuildOptionsOf({ sourceMapMode: SourceMapMode.EXTERNAL }).sourcemap).toBe('external');
    expect(esbuildOptionsOf({ sourceMap: true, sourcesContent: false }).sourcesContent).toBe(false);
  });

  it('refuses a bundling option it cannot translate rather than build something else', () => {
    expect(() => esbuildOptionsOf({ ...appBundling, loader: { '.txt': 'text' } })).toThrow(/loader/);
  });

  it('imports every HTTP bundle with the NODE_OPTIONS and variables the stack deploys it with', () => {
    const env = deployedEnv();
    for (const route of [...routeList, { name: 'no-route' }]) {
      const deployed = deployedVariables(route.name);
      expect({ route: route.name, NODE_OPTIONS: deployed.NODE_OPTIONS }).toEqual({
        route: route.name,
        NODE_OPTIONS: env.NODE_OPTIONS,
      });
      const missing = Object.keys(deployed)
        .map((name) => standIns[name] ?? name)
        .filter((name) => env[name] === undefined);
      expect({ route: route.name, missing }).toEqual({ route: route.name, missing: [] });
    }
  });

  it('measures the functions the stack bundles as HTTP functions: every route and $default, and only those', () => {
    const http = [...stateless.functions.values(), stateless.noRouteFunction];
    expect(http.map((fn) => fn.kind)).toEqual(http.map(() => 'http'));
    const others = app.node
      .findAll()
      .filter((c): c is AppFunction => c instanceof AppFunction && !http.includes(c));
    // The consumers, the reconciler, the sender authorizer, and the stateful stack's Cognito trigger.
    expect(others.some((fn) => fn.node.path.startsWith('Stateful/'))).toBe(true);
    expect(others.length).toBeGreaterThan(5);
    expect(new Set(others.map((fn) => fn.kind))).toEqual(new Set(['background']));
    // The one setting they differ in: the background functions log errors by their class's name.
    expect(bundlingOf('http')).toEqual({ ...appBundling, keepNames: false });
    expect(bundlingOf('background').keepNames).toBe(true);
  });

  it("imports the $default function with the stack's own route keys", () => {
    expect(deployedVariables('no-route').ROUTE_KEYS).toBe(deployedEnv().ROUTE_KEYS);
  });

  it('runs on the Node major of the deployed runtime, and refuses another', () => {
    expect(appRuntime.name).toBe(`nodejs${deployedNodeMajor}.x`);
    expect(() => assertDeployedNode(`${deployedNodeMajor}.1.0`)).not.toThrow();
    expect(() => assertDeployedNode(`${deployedNodeMajor - 4}.1.0`)).toThrow(/npm run bench/);
  });

  it('imports the floor again after every few bundles of a round, each bundle once, rotated per round', () => {
    const bundle = (name: string): Bundle => ({
      name,
      file: name,
      bytes: 0,
      parts: new Map(),
      inputs: new Set(),
    });
    const bundles = [FLOOR, 'a', 'b', 'c', 'd', 'e', 'f'].map(bundle);
    const names = (round: number) => roundOrder(bundles, round, { name: FLOOR, every: 3 }).map((b) => b.name);
    expect(names(0)).toEqual([FLOOR, 'a', 'b', FLOOR, 'c', 'd', 'e', FLOOR, 'f']);
    expect(names(1)).toEqual(['a', 'b', 'c', FLOOR, 'd', 'e', 'f', FLOOR, FLOOR]);
    for (const round of [0, 1, 2, 5]) {
      const order = names(round);
      expect(order.filter((name) => name !== FLOOR).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(order.filter((name) => name === FLOOR).length).toBeGreaterThanOrEqual(2);
    }
    expect(roundOrder(bundles, 2).map((b) => b.name)).toEqual(['b', 'c', 'd', 'e', 'f', FLOOR, 'a']);
  });
});
