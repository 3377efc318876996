/**
 * Onboarding a sender on the local runtime with the operator command, while it runs: before, its
 * token is refused as not registered; after `npm run sender -- register`, the same token posts a
 * lead and the partner sees who sent it. No restart, no edit of local/senders.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  expectProblem,
  get,
  leadBody,
  partner,
  post,
  sender,
  uniqueKey,
  uniquePartner,
  urls,
} from './helpers.js';

function senderCommand(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const cli = join('node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'scripts/sender.ts', ...args],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DYNAMODB_PORT: String(urls.mainDynamoPort),
          TABLE_NAME: urls.mainTable,
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() });
      },
    );
  });
}

describe('npm run sender -- register', () => {
  it('onboards a sender whose token then works, without a restart', async () => {
    const senderId = `new-sender-${randomBytes(4).toString('hex')}`;
    const partnerId = uniquePartner();
    const token = await sender(senderId);
    expectProblem(
      await post('/v1/leads', leadBody(partnerId), { token, headers: { 'idempotency-key': uniqueKey() } }),
      403,
      'sender-not-registered',
    );

    const run = await senderCommand(
      'register',
      senderId,
      '--kind',
      'partner',
      '--name',
      'New Sender',
      '--email',
      'ops@new-sender.example',
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      clientId: senderId,
      sender: { id: senderId, kind: 'partner', name: 'New Sender' },
    });
    expect(run.stderr).toContain(`npm run --silent token -- --sender ${senderId}`);

    // The directory keeps the miss of the refused call above for 5 s: within 7 s the token works.
    let lead = await post('/v1/leads', leadBody(partnerId), {
      token,
      headers: { 'idempotency-key': uniqueKey() },
    });
    for (let waited = 0; lead.status === 403 && waited < 7_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      lead = await post('/v1/leads', leadBody(partnerId), {
        token,
        headers: { 'idempotency-key': uniqueKey() },
      });
    }
    expect(lead.status).toBe(201);
    const seen = await get(`/v1/leads/${String(lead.body.id)}`, { token: await partner(partnerId) });
    expect(seen.body.sender).toEqual({ id: senderId, kind: 'partner', name: 'New Sender' });
  });

  it('refuses a malformed registration with the usage, exit 2', async () => {
    const run = await senderCommand(
      'register',
      'Bad Id',
      '--kind',
      'vendor',
      '--name',
      'X',
      '--email',
      'nope',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('<senderId>');
    expect(run.stderr).toContain('--kind');
    expect(run.stderr).toContain('--email');
    expect(run.stderr).toContain('usage: npm run sender -- register');
  });
});
