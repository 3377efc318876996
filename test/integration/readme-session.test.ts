/**
 * The README's worked session, run as it stands against the main runtime: a newcomer pastes that
 * block first, so a request body that drifted from the schemas or a helper that breaks under bash's
 * strict mode should fail here, not in their terminal. Only the API's address changes, and the
 * partner id (so the block's profile and leads stay out of the other tests' way).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { uniquePartner, urls } from './helpers.js';

/** The first `bash` block after the README heading `heading`. */
function bashBlockAfter(heading: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const from = readme.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README has no heading ${heading}`);
  const block = /```bash\n([\s\S]*?)\n```/.exec(readme.slice(from));
  if (!block?.[1]) throw new Error(`no bash block after ${heading}`);
  return block[1];
}

function bash(script: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `set -euo pipefail\n${script}`],
      // The token tool is run by npm as a newcomer runs it; jest's VM-modules flag is not theirs.
      { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 90_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

const answers = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('README: A worked session', () => {
  it('runs under set -euo pipefail and every request is answered without a problem', async () => {
    const block = bashBlockAfter('### A worked session');
    expect(block).toContain('API=http://localhost:3000');
    const partnerId = uniquePartner();
    const script = block
      .replace('API=http://localhost:3000', `API=${urls.main}`)
      .replaceAll('contoso', partnerId);

    const run = await bash(script);

    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const replies = answers(run.stdout);
    // list, read, accept, edit, contacts, won, history, sent lead, decline, profile ×2, insights ×2,
    // search (the two posts are read by idOf, not printed).
    expect(replies).toHaveLength(14);
    const problems = replies.filter((reply) => String(reply.type ?? '').includes('/problems/'));
    expect(problems).toEqual([]);
    expect(replies.some((reply) => reply.outcome === 'won')).toBe(true);
    expect(replies.some((reply) => reply.outcome === 'declined')).toBe(true);
    // After the block's sleep, its insights of the last three months count both of its leads, the
    // decline made just before the profile included (the second period is a fixed year).
    const insights = replies.filter((reply) => 'leads' in reply && 'rates' in reply);
    expect(insights).toHaveLength(2);
    expect(insights[0]?.leads).toEqual({
      received: 2,
      open: 0,
      accepted: 1,
      declined: 1,
      expired: 0,
      won: 1,
      lost: 0,
    });
  }, 120_000);

  it('reads the new lead id from an answer that arrives in pieces (as curl writes -w after the body)', async () => {
    const idOf = /^idOf\(\) \{.*\}$/m.exec(bashBlockAfter('### A worked session'))?.[0];
    expect(idOf).toBeDefined();
    const run = await bash(
      `${idOf}\n(printf '{"id":"01J'; sleep 0.3; printf 'X"}'; sleep 0.3; printf '\\n') | idOf`,
    );
    expect(run).toEqual({ status: 0, stdout: '01JX\n', stderr: '' });
  });
});
