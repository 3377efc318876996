/**
 * DynamoDB Local 1.25.1, the build shipped in amplify-dynamodb-simulator, with Streams, listening on
 * 127.0.0.1 only (local/dynamodb-loopback.xml says how). Its own TTL
 * runs only on tables without a global secondary index, so for ours local/ttl-emulator.ts deletes
 * expired items in its place; their REMOVE records come through this stream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const emulatorDir = join(
  dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')),
  'emulator',
);

/** What to do when there is no Java: the one line `npm start` and the tests print. */
export const JAVA_REQUIRED =
  'Java 17+ is required for DynamoDB Local: install a JRE (e.g. apt-get install openjdk-17-jre-headless) and retry';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Whether something accepts connections on the loopback port. */
export const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });

/** The Jetty configuration that serves DynamoDB Local on loopback only (why: in the file). */
const loopbackConfiguration = fileURLToPath(new URL('./dynamodb-loopback.xml', import.meta.url));

export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
}): Promise<DynamoDbLocal> {
  const storage = options.dataDir ? [`dynamodb.dbPath=${options.dataDir}`] : ['dynamodb.inMemory=true'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const lib = join(emulatorDir, 'DynamoDBLocal_lib');
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${lib}`,
      '-Xmx512m',
      // C1 only: DynamoDB Local opens its port on about half the CPU (measured 4.5 s -> 2.9 s), and
      // a local emulator never runs long enough for C2's optimisations to pay that back.
      '-XX:TieredStopAtLevel=1',
      // Jetty's start-up lines are noise here.
      '-Dorg.eclipse.jetty.LEVEL=WARN',
      '-Dorg.eclipse.jetty.util.log.announce=false',
      '-cp',
      [join(emulatorDir, 'DynamoDBLocal.jar'), join(lib, '*')].join(delimiter),
      // DynamoDB Local's command line cannot choose an interface; Jetty's XML configuration can.
      'org.eclipse.jetty.xml.XmlConfiguration',
      `dynamodb.port=${options.port}`,
      ...storage,
      loopbackConfiguration,
    ],
    // Nothing leaves this machine: DynamoDB Local's telemetry is off (its -disableTelemetry, as an environment variable).
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  let exited = false;
  let missingJava = false;
  let stderr = '';
  // No java on the PATH: spawn reports it as an error event, not an exit.
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = true;
    missingJava = error.code === 'ENOENT';
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(options.port))) {
    if (missingJava) throw new Error(JAVA_REQUIRED);
    if (exited) throw new Error(`DynamoDB Local exited on start: ${lastMessage(stderr)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('DynamoDB Local did not open its port within 30 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** The last line of a JVM's stderr that is not a stack frame: usually what went wrong. */
const lastMessage = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .at(-1) ?? '';
