/**
 * Each HTTP function bundles only the packages its own use case needs. A module that imports a
 * CommonJS package (ipaddr.js, standardwebhooks) makes every bundle that has the module in its
 * graph evaluate the package at import, used or not; a lazily imported SDK client is still parsed
 * at import. So a shared composition root or a use-case class that gathers them costs every route
 * its cold start (README, cold start). Bundled as deployed; read off esbuild's metafile.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bundle, buildBundles } from '../../bench/bundles.js';

const names = [
  'list-webhooks',
  'list-webhook-deliveries',
  'create-webhook',
  'replay-webhook',
  'search-partners',
  'get-insights',
];
let bundles: Map<string, Bundle>;

beforeAll(async () => {
  const built = await buildBundles(
    Object.fromEntries(names.map((name) => [name, join('functions', name, 'handler.ts')])),
    mkdtempSync(join(tmpdir(), 'bundle-footprint-')),
  );
  bundles = new Map(built.map((bundle) => [bundle.name, bundle]));
}, 60_000);

const packagesOf = (name: string) => [...bundles.get(name)!.parts.keys()];

describe('packages bundled by the webhook routes', () => {
  it('leave the SQS client to the routes that queue a delivery (test, retry, replay)', () => {
    expect(packagesOf('list-webhooks')).not.toContain('@aws-sdk/client-sqs');
    expect(packagesOf('list-webhook-deliveries')).not.toContain('@aws-sdk/client-sqs');
    expect(packagesOf('create-webhook')).not.toContain('@aws-sdk/client-sqs');
    expect(packagesOf('replay-webhook')).toContain('@aws-sdk/client-sqs');
  });

  it('leave the address check to create and change, and the signing library to the delivery consumer', () => {
    expect(packagesOf('create-webhook')).toContain('ipaddr.js');
    for (const name of ['list-webhooks', 'list-webhook-deliveries', 'replay-webhook']) {
      expect(packagesOf(name)).not.toContain('ipaddr.js');
      expect(packagesOf(name)).not.toContain('standardwebhooks');
    }
    expect(packagesOf('create-webhook')).not.toContain('standardwebhooks');
  });
});

describe('app modules bundled by the search and insights routes', () => {
  const inputsOf = (name: string) => [...bundles.get(name)!.inputs];

  it('search reads the index without its maintenance or the insights use case', () => {
    expect(inputsOf('search-partners')).not.toContain('functions/domain/search-maintenance.ts');
    expect(inputsOf('search-partners')).not.toContain('functions/domain/insights-service.ts');
  });

  it('insights reads its months without the search index', () => {
    expect(inputsOf('get-insights')).not.toContain('functions/adapters/dynamodb/search-index.ts');
  });
});
