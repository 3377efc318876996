/**
 * `npm start` refuses a busy port with one line saying what to do, before it starts anything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../local/ports.js';

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

  it('prints one line per step as it comes up, with its time, then the banner; SIGTERM stops it all', async () => {
    const [port, dynamoPort, sesPort, sqsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const child = spawn(
      process.execPath,
      [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          PORT: String(port),
          DYNAMODB_PORT: String(dynamoPort),
          SES_PORT: String(sesPort),
          SQS_PORT: String(sqsPort),
          LOCAL_IN_MEMORY: '1',
          LOCAL_QUIET: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 50_000;
      while (!output.includes('Press Ctrl-C to stop.') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const lines = output.split('\n');
      expect(lines[0]).toBe(
        `Starting Partner Referrals (API on port ${port}, DynamoDB Local on ${dynamoPort}, SES on ${sesPort}, queues on ${sqsPort})…`,
      );
      const steps = lines
        .filter((l) => /^ {2}\S.* \(\d+\.\d s\)$/.test(l))
        .map((l) => l.replace(/ \(\d+\.\d s\)$/, ''));
      expect(steps.sort()).toEqual(
        [
          `  API listening on http://localhost:${port}`,
          `  DynamoDB Local up at http://127.0.0.1:${dynamoPort}`,
          `  SES local up at http://localhost:${sesPort}`,
          `  queues up at http://127.0.0.1:${sqsPort} (emails, ses-events, webhook-deliveries, dead letters)`,
          '  handlers loaded',
          '  stream consumers running (archiver, notifier, insights aggregator, search indexer, webhook events; TTL emulated)',
          '  table partner-referrals-local ready, senders microsoft-marketing, fabrikam-referrals registered',
        ].sort(),
      );
      expect(output).toMatch(/Partner Referrals is running \(ready in \d+\.\d s\)/);
      expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    // Nothing keeps listening: DynamoDB Local's JVM went with it, and so did the queues and SES.
    for (const used of [dynamoPort, sqsPort, sesPort]) {
      const free = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(used, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      expect(free).toBe(true);
    }
  }, 70_000);
});
