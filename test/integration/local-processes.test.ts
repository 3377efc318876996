/**
 * `npm start` as a person runs it: every socket its process tree listens on is bound to 127.0.0.1,
 * and SIGTERM sent to the npm process itself (not to its child) leaves no process and no port.
 * Linux only: it reads the process tree and the sockets from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../../local/ports.js';

/** The pids of every live descendant of `pid`, from /proc/<pid>/stat's parent field. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // comm may hold spaces and parentheses: the fields after the last ")" are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const children = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([child]) => child);
    found.push(...children);
    frontier = children;
  }
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // Closed while we looked.
      }
    }
  } catch {
    // The process ended while we looked.
  }
  return inodes;
}

/** Listening TCP sockets (v4 and v6) with their local address, hex as /proc/net shows it, and inode. */
function listeningSockets(): Array<{ address: string; port: number; inode: string }> {
  const sockets: Array<{ address: string; port: number; inode: string }> = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address = '', port = ''] = (fields[1] ?? '').split(':');
      if (fields[3] === '0A')
        sockets.push({ address, port: Number.parseInt(port, 16), inode: fields[9] ?? '' });
    }
  }
  return sockets;
}

/** 127.0.0.1, as IPv4 or as the IPv4-mapped IPv6 address a JVM binds ([::ffff:127.0.0.1]). */
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F']);

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('npm start, as a person runs it', () => {
  let npm: ChildProcess;
  let output = '';
  const ports: number[] = [];

  beforeAll(async () => {
    ports.push(await freePort(), await freePort(), await freePort(), await freePort());
    const [port, dynamoPort, sesPort, sqsPort] = ports.map(String);
    npm = spawn('npm', ['start'], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: port,
        DYNAMODB_PORT: dynamoPort,
        SES_PORT: sesPort,
        SQS_PORT: sqsPort,
        LOCAL_IN_MEMORY: '1',
        LOCAL_QUIET: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    npm.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 80_000;
    while (!output.includes('Press Ctrl-C to stop.') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!output.includes('Press Ctrl-C to stop.')) throw new Error(`npm start did not come up:\n${output}`);
  }, 90_000);

  afterAll(() => {
    // Only if a test failed half-way: nothing of ours may outlive the run.
    for (const pid of npm.pid ? [...descendantsOf(npm.pid), npm.pid] : []) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('listens on 127.0.0.1 only, on every socket of every process it started (Java included)', () => {
    const tree = descendantsOf(npm.pid!);
    const inodes = new Set(tree.flatMap((pid) => [...socketInodes(pid)]));
    const ours = listeningSockets().filter((socket) => inodes.has(socket.inode));
    // The API, DynamoDB Local, the SES proxy, the queues, and the SES behind the proxy.
    expect(ours.map((s) => s.port)).toEqual(expect.arrayContaining(ports));
    expect(ours.length).toBeGreaterThanOrEqual(5);
    expect(ours.filter((socket) => !LOOPBACK.has(socket.address))).toEqual([]);
  });

  it('SIGTERM to the npm process leaves nothing running and nothing listening', async () => {
    const tree = descendantsOf(npm.pid!);
    // npm, its shell, node and DynamoDB Local's JVM at least.
    expect(tree.length).toBeGreaterThanOrEqual(3);
    npm.kill('SIGTERM');
    const deadline = Date.now() + 15_000;
    while (tree.some(isAlive) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(tree.filter(isAlive)).toEqual([]);
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
  }, 30_000);
});
