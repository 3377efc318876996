/**
 * What the soak scenarios share: a local runtime on free ports, tokens, an HTTP client that retries
 * what a well-behaved client retries (429 with Retry-After, connection errors) and counts it, and
 * readers that page through lists and poll the SES store.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { partnerClaims, senderClaims } from '../local/claims.js';
import { localSigner } from '../local/jwt.js';
import { freePort } from '../local/ports.js';
import { startRuntime, stopRuntime } from './expiry.js';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const log = (line: string) => process.stderr.write(`soak: ${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A positive integer (or fraction, with `fraction`) from the environment. */
export function setting(name: string, fallback: number, fraction = false): number {
  const value = Number(process.env[name] ?? fallback);
  const ok = fraction ? value >= 0 && value <= 1 : Number.isInteger(value) && value >= 1;
  if (!ok) throw new Error(`${name} must be ${fraction ? 'a fraction from 0 to 1' : 'a positive integer'}`);
  return value;
}

export interface Ports {
  api: number;
  dynamo: number;
  ses: number;
  sqs: number;
}

export interface Runtime {
  ports: Ports;
  api: string;
  ses: string;
  /** The DynamoDB proxy's control URL, when the runtime has one. */
  proxy?: string;
  senderToken: string;
  partnerToken: string;
  partnerId: string;
  stop(): Promise<void>;
}

/** Lines in the local runtime's file of stream records that failed every retry. */
export function failedStreamRecords(): number {
  const file = join(root, '.local', 'failed-stream-records.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** A fresh in-memory runtime, a partner of its own with a listed profile, and tokens. */
export async function startSoakRuntime(
  windowSeconds: number,
  env: Record<string, string> = {},
  withProxy = false,
): Promise<Runtime> {
  const ports: Ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
  };
  const proxyPort = withProxy ? await freePort() : undefined;
  const child = await startRuntime(root, ports, windowSeconds, {
    ...env,
    ...(proxyPort === undefined ? {} : { LOCAL_DYNAMODB_PROXY_PORT: String(proxyPort) }),
  });
  const signer = await localSigner();
  const partnerId = `soak-${Date.now().toString(36)}`;
  const runtime: Runtime = {
    ports,
    api: `http://127.0.0.1:${ports.api}`,
    ses: `http://127.0.0.1:${ports.ses}`,
    ...(proxyPort === undefined ? {} : { proxy: `http://127.0.0.1:${proxyPort}/_local/dynamodb` }),
    senderToken: await signer.sign(senderClaims('fabrikam-referrals'), 3600),
    partnerToken: await signer.sign(partnerClaims(partnerId, { user: 'soak-user' }), 3600),
    partnerId,
    stop: () => stopRuntime(child),
  };
  return runtime;
}

/** What one client saw: answers by status, and what it retried. */
export class ClientStats {
  readonly statuses: Record<string, number> = {};
  retries = 0;
  connectionErrors = 0;
  count(status: number) {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }
  get fiveXx() {
    return Object.entries(this.statuses)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
  }
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One API call, retried as a client should: after a 429 (waiting Retry-After) or a dropped
 * connection, with the same Idempotency-Key if it had one. Any other status is returned.
 */
export async function call(
  stats: ClientStats,
  api: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      stats.connectionErrors += 1;
      if (attempt >= 20) throw error;
      stats.retries += 1;
      await sleep(200 * attempt);
      continue;
    }
    stats.count(response.status);
    const text = await response.text();
    if (response.status === 429 && attempt < 20) {
      stats.retries += 1;
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000 * Math.min(attempt, 3));
      continue;
    }
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}

/** Every item of a paged list (`{ items, nextCursor }`). */
export async function listAll(
  stats: ClientStats,
  api: string,
  token: string,
  path: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await call(
      stats,
      api,
      token,
      'GET',
      `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.body)}`);
    items.push(...(page.body.items as Array<Record<string, unknown>>));
    cursor = (page.body.nextCursor as string | null) ?? null;
  } while (cursor);
  return items;
}

export type Email = { subject: string; destination: { to: string[] }; body: { text?: string } };

/** The emails the local SES holds. */
export async function emails(ses: string): Promise<Email[]> {
  return ((await (await fetch(`${ses}/store`)).json()) as { emails: Email[] }).emails;
}

/** Polls `check` every half second until it is true or `seconds` pass; the seconds it took, or NaN. */
export async function waitFor(seconds: number, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    if (await check()) return (performance.now() - start) / 1000;
    await sleep(500);
  }
  return Number.NaN;
}

/** A lead body for the soak's partner, unique by `n`. */
export const leadBody = (
  partnerId: string,
  n: number | string,
  customer = `soak-${n}-${partnerId}@fabrikam.example`,
) => ({
  partnerId,
  type: n.toString().length % 2 === 0 ? 'customer-inquiry' : 'sales-qualified',
  customer: {
    companyName: `Company ${n}`,
    contactName: 'Ana',
    email: customer,
    country: 'IT',
    companySize: '50-249',
  },
  need: { title: `Need ${n}` },
});

export const acceptBody = {
  deal: { name: 'Soak deal', value: { amount: 1000, currency: 'EUR' }, estimatedCloseDate: '2027-03-31' },
};

/** Prints a scenario's figures and its verdict; true when it passed. */
export function report(title: string, figures: Record<string, unknown>, checks: Record<string, boolean>) {
  process.stdout.write(`${title} (${new Date().toISOString()})\n`);
  for (const [key, value] of Object.entries(figures))
    process.stdout.write(
      `  ${key.padEnd(26)} ${typeof value === 'object' ? JSON.stringify(value) : value}\n`,
    );
  const failed = Object.entries(checks).filter(([, ok]) => !ok);
  for (const [check, ok] of Object.entries(checks))
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${check}\n`);
  process.stdout.write(`${failed.length === 0 ? 'PASS' : 'FAIL'}: ${title}\n\n`);
  return failed.length === 0;
}
