/**
 * `engines.node` is what the README tells a newcomer to install with: every Node it admits must be
 * one every locked package admits too, or `npm install` warns EBADENGINE on a Node we said was fine
 * (Node 23.0 was admitted by `>=22.14.0` while Jest and Redocly's prompts refuse it).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';

interface Locked {
  version?: string;
  optional?: boolean;
  engines?: { node?: string };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, Locked> };
const ours = manifest.engines.node;

const refusing = (range: string) =>
  Object.entries(lock.packages)
    .filter(([path, pkg]) => path !== '' && !pkg.optional && pkg.engines?.node)
    .filter(([, pkg]) => !semver.subset(range, pkg.engines?.node ?? '*'))
    .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')} ${pkg.engines?.node}`);

describe('engines.node', () => {
  it('admits only Nodes every locked package admits', () => {
    expect(refusing(ours)).toEqual([]);
  });

  it('would notice a range wider than the packages allow', () => {
    expect(refusing('>=22.14.0')).toEqual(expect.arrayContaining([expect.stringMatching(/^jest /)]));
    expect(refusing('>=20')).toEqual(expect.arrayContaining([expect.stringMatching(/^@middy\/core /)]));
  });

  it('admits the node@24 the npm scripts run on (the Lambda runtime)', () => {
    const node = lock.packages['node_modules/node']?.version ?? '';
    expect(semver.major(node)).toBe(24);
    expect(semver.satisfies(node, ours)).toBe(true);
  });

  it('types the code for that same Node (not an older one whose APIs differ)', () => {
    const node = lock.packages['node_modules/node']?.version ?? '';
    const types = lock.packages['node_modules/@types/node']?.version ?? '';
    expect(semver.major(types)).toBe(semver.major(node));
  });
});
