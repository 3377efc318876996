/**
 * What the integration tests share: the base URLs of the three runtimes global-setup started, a
 * small fetch client, token makers (signed with the same local key the runtimes trust) and a
 * valid-lead-body factory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { DEFAULT_ROLE, partnerClaims as partnerToken, senderClaims } from '../../local/claims.js';
import { keyFile, LOCAL_ISSUER, localSigner } from '../../local/jwt.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The runtimes global-setup started: `main` (default windows), `short` (seconds-long windows, reminders, reconciler every second), `ttl` (reconciler off). */
interface Urls {
  main: string;
  short: string;
  ttl: string;
  mainSes: string;
  shortSes: string;
  ttlSes: string;
  mainSqs: string;
  mainDynamoPort: number;
  mainTable: string;
}

function runtimeUrls(): Urls {
  if (process.env.INTEGRATION_URLS) return JSON.parse(process.env.INTEGRATION_URLS) as Urls;
  const file = process.env.INTEGRATION_ENV_FILE ?? '';
  if (!file || !existsSync(file))
    throw new Error('no integration runtime: run through `npm run test:integration`');
  return JSON.parse(readFileSync(file, 'utf8')) as Urls;
}

export const urls = runtimeUrls();

// ---- ids ----
const random = (bytes = 5) => randomBytes(bytes).toString('hex');
/** A partner id no other test uses. */
export const uniquePartner = () => `p-${random()}`;
export const uniqueKey = () => `key-${random(8)}`;

// ---- tokens ----
const signer = await localSigner();
const jwk = JSON.parse(readFileSync(keyFile(), 'utf8')) as JWK;
const privateKey = await importJWK(jwk, 'ES256');

export const ROLE = DEFAULT_ROLE;
export { senderClaims };

export const partnerClaims = (partnerId: string, role: string = ROLE, user?: string) =>
  partnerToken(partnerId, { role, ...(user ? { user } : {}) });

/** A partner user's token (role `referrals-admin` unless told otherwise). */
export const partner = (partnerId: string, role: string = ROLE, user?: string) =>
  signer.sign(partnerClaims(partnerId, role, user), 3600);

/** A sender system's client-credentials token. */
export const sender = (senderId = 'microsoft-marketing') => signer.sign(senderClaims(senderId), 3600);

/** Signs any payload with the local key, with full control of iat/exp (for expired tokens). */
export const signRaw = (payload: JWTPayload) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid ?? 'local', typ: 'JWT' })
    .sign(privateKey);

export { LOCAL_ISSUER };

// ---- HTTP ----
export interface Reply<T = JsonObject> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** A raw body sent as is (no JSON encoding). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  base?: string;
}

export async function call<T = JsonObject>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${options.base ?? urls.main}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: body as string | Uint8Array }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if (text.length > 0 && /json/.test(response.headers.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export const get = <T = JsonObject>(path: string, options?: RequestOptions) => call<T>('GET', path, options);
export const post = <T = JsonObject>(path: string, body: unknown, options: RequestOptions = {}) =>
  call<T>('POST', path, { ...options, body });

// ---- bodies ----
export function leadBody(partnerId: string, overrides: JsonObject = {}): JsonObject {
  return {
    partnerId,
    type: 'customer-inquiry',
    customer: {
      companyName: 'Fabrikam Ltd',
      contactName: 'Ana Rossi',
      email: 'ana@fabrikam.example',
      phone: '+39 02 1234 5678',
      country: 'IT',
      companySize: '50-249',
    },
    need: { title: 'Move our ERP to Azure', description: 'Forty servers.\nTwo sites.', products: ['Azure'] },
    contactRequested: true,
    externalId: `ext-${random(4)}`,
    ...overrides,
  };
}

export const acceptBody = (overrides: JsonObject = {}): JsonObject => ({
  deal: {
    name: 'Fabrikam ERP migration',
    value: { amount: 120000, currency: 'EUR' },
    estimatedCloseDate: '2027-03-31',
    notes: 'Budget approved',
    crmId: 'CRM-42',
    campaignId: 'camp-7',
  },
  contacts: [{ name: 'Luca Bianchi', email: 'luca@contoso.example', phone: '+39 02 555 0101' }],
  ...overrides,
});

export interface PartnerLead extends JsonObject {
  id: string;
  stage: string;
  outcome: string | null;
  version: number;
}
export interface Page<T = PartnerLead> {
  items: T[];
  nextCursor: string | null;
}
export interface Problem extends JsonObject {
  status: number;
  title: string;
  code: string;
}

/** Posts a valid lead as `senderId` and returns its id (fails the test on anything but 201). */
export async function createLead(
  partnerId: string,
  overrides: JsonObject = {},
  options: { senderId?: string; base?: string; key?: string } = {},
): Promise<string> {
  const reply = await post<PartnerLead>('/v1/leads', leadBody(partnerId, overrides), {
    token: await sender(options.senderId),
    ...(options.base ? { base: options.base } : {}),
    ...(options.key ? { headers: { 'idempotency-key': options.key } } : {}),
  });
  if (reply.status !== 201) throw new Error(`POST /v1/leads answered ${reply.status}: ${reply.text}`);
  return reply.body.id;
}

/** Every item of a paged list, following nextCursor (at most `maxPages` pages). */
export async function allPages<T = PartnerLead>(
  path: string,
  token: string,
  options: { limit?: number; maxPages?: number; base?: string } = {},
): Promise<{ items: T[]; pages: T[][] }> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const query = `limit=${options.limit ?? 100}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply: Reply<Page<T>> = await get<Page<T>>(`${path}${sep}${query}`, {
      token,
      ...(options.base ? { base: options.base } : {}),
    });
    if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text}`);
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor && pages.length < (options.maxPages ?? 100));
  return { items: pages.flat(), pages };
}

export interface Email {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
  at: number;
}

/** A short random tag for unique addresses. */
export const tag = () => random(4);
/** Email filters: one that names `id` anywhere, one sent to `address` (case-insensitive). */
export const mentions = (id: string) => (email: Email) =>
  `${email.subject}\n${email.body.text ?? ''}\n${email.body.html ?? ''}`.includes(id);
export const to = (address: string) => (email: Email) =>
  email.destination.to.some((a) => a.toLowerCase() === address.toLowerCase());

/** The emails a runtime's local SES has taken in that match `filter`. */
export async function emails(sesBase: string, filter: (email: Email) => boolean): Promise<Email[]> {
  const response = await fetch(`${sesBase}/store`);
  const store = (await response.json()) as { emails: Email[] };
  return store.emails.filter(filter);
}

/** Polls the local SES until `count` matching emails arrived (or `timeoutMs` passed), then returns them. */
export async function waitForEmails(
  sesBase: string,
  filter: (email: Email) => boolean,
  count = 1,
  timeoutMs = 15_000,
): Promise<Email[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await emails(sesBase, filter);
    if (found.length >= count || Date.now() > deadline) return found;
    await sleep(250);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Custom matcher-free check that a reply is an RFC 9457 problem with `code`. */
export function expectProblem(reply: Reply<unknown>, status: number, code?: string) {
  const context = `${reply.status} ${reply.text}`;
  expect({ status: reply.status, context }).toEqual({ status, context });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = reply.body as Problem;
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.code).toBe('string');
  if (code) expect(body.code).toBe(code);
}

/** The confirmation link emailed to `address` (waits for it), or undefined if none came. */
export async function confirmationLink(sesBase: string, address: string, timeoutMs = 15_000) {
  const [email] = await waitForEmails(
    sesBase,
    (e) => to(address)(e) && /^Confirm your address/.test(e.subject),
    1,
    timeoutMs,
  );
  return /(http:\/\/\S+\/v1\/contacts\/confirm\?token=[A-Za-z0-9_-]+)/.exec(email?.body.text ?? '')?.[1];
}

/** Confirms each address by opening the link it was emailed, as its owner would. */
export async function confirmAddresses(sesBase: string, addresses: string[]) {
  for (const address of addresses) {
    const link = await confirmationLink(sesBase, address);
    if (!link) throw new Error(`no confirmation email reached ${address}`);
    const reply = await fetch(link);
    if (reply.status !== 200) throw new Error(`confirming ${address} answered ${reply.status}`);
  }
}

/** Simulates SES trouble on a runtime, for SendEmail calls whose recipients contain `match`. */
export async function sesOutage(sesBase: string, action: 'start' | 'stop' | 'status', match?: string) {
  const reply = await fetch(`${sesBase}/_local/outage`, {
    method: { start: 'PUT', stop: 'DELETE', status: 'GET' }[action],
    ...(action === 'start' ? { body: JSON.stringify({ mode: 'down', match }) } : {}),
  });
  return (await reply.json()) as { outages: Array<{ match?: string; refused: number }> };
}
