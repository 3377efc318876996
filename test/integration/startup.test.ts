/**
 * `npm start` refuses a busy port with one line saying what to do, before it starts anything.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

describe('npm start', () => {
  it('names a busy port and the variable to change, in one line, and exits', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = spawnSync(
        process.execPath,
        [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
        {
          env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), LOCAL_IN_MEMORY: '1' },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(run.status).toBe(1);
      const lines = run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('npm start:'));
      expect(lines).toEqual([
        `npm start: port ${port} is busy: stop what uses it or set PORT to a free port`,
      ]);
    } finally {
      blocker.close();
    }
  }, 40_000);

  it('refuses a window that is not an ISO 8601 duration', () => {
    const run = spawnSync(
      process.execPath,
      [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
      {
        env: { ...process.env, NODE_OPTIONS: '', LEAD_RESPONSE_WINDOW: '14 days' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('LEAD_RESPONSE_WINDOW must be an ISO 8601 duration');
  }, 40_000);
});
