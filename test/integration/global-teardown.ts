/**
 * Ends both local runtimes started by global-setup: SIGTERM to each process group (the runtime
 * stops DynamoDB Local itself), SIGKILL to whatever is left after a grace period, then the watchdog.
 * Leaves no java process behind.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { IntegrationEnv } from './global-setup.js';

const GRACE_MS = 6_000;

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

export default async function globalTeardown() {
  // Only what this jest process's setup started (never pids read back from a file another run may own).
  const state = (
    globalThis as { __integration?: { env: IntegrationEnv; envFile: string; children: ChildProcess[] } }
  ).__integration;
  if (!state) return;
  const { env, envFile, children } = state;
  await stopRuntimes(env.pids, env.watchdogs, children);
  rmSync(envFile, { force: true });
}

/** SIGTERM to each runtime's process group, SIGKILL after a grace period, then their watchdogs. */
export async function stopRuntimes(pids: number[], watchdogs: number[], children: ChildProcess[]) {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
  while (pids.some(alive) && Date.now() < deadline + 2_000) await new Promise((r) => setTimeout(r, 50));

  for (const dog of watchdogs) signal(dog, 'SIGKILL');
  for (const child of children) {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}
