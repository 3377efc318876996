/**
 * Starts what the browser tests drive: the console built from the current sources, and one local
 * runtime (local/start.ts) on free ports with a throw-away database, started and ended the way the
 * integration project does it. The contact-now window is 30 s, so the tests see the flame change.
 *
 * Jest loads this file as CommonJS without the project's module mapping (see the integration setup).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSigningKey, type Started, startWithRetry } from '../integration/global-setup';

const root = process.cwd();
export const CHROMIUM = '/usr/bin/chromium';
/** How long a lead shows `contact-now` on the browser tests' runtime (CONTACT_NOW_WINDOW). */
export const CONTACT_NOW_SECONDS = 30;

export interface BrowserState {
  runtime: Started;
}

/** The newest modification time of anything under `path` (a file or a folder). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds console/dist when it is missing or older than the console's sources, so the tests never drive a stale build. */
function ensureCurrentConsole() {
  const dir = join(root, 'console');
  const index = join(dir, 'dist', 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(dir, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest))) return;
  console.log('\nbrowser: building the console (its sources changed since the last build)');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'error'],
    // Jest sets NODE_ENV=test, which would make this a development build of React.
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' } },
  );
  if (result.status !== 0) throw new Error('the console build failed (see above)');
}

export default async function globalSetup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests drive Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  }
  mkdirSync(join(root, '.local'), { recursive: true });
  ensureSigningKey();
  ensureCurrentConsole();
  const screenshots = join(root, '.local', 'screenshots');
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  const runtime = await startWithRetry('browser', {
    CONTACT_NOW_WINDOW: `PT${CONTACT_NOW_SECONDS}S`,
    // One retry, far off: a failed delivery waits for the Retry button the test presses.
    WEBHOOK_RETRY_SCHEDULE: 'PT10M',
  });
  runtime.child.unref();
  process.env.BROWSER_RUNTIME_URL = runtime.url;
  process.env.BROWSER_SES_URL = runtime.sesUrl;
  process.env.BROWSER_SQS_URL = runtime.sqsUrl;
  process.env.BROWSER_SCREENSHOTS = screenshots;
  Object.assign(globalThis, { __browser: { runtime } satisfies BrowserState });
}
