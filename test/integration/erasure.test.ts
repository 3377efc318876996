/**
 * Personal data on the local runtimes: `npm run erase -- --email` erases one customer everywhere
 * (two partners, two senders, any case of the address) while the leads, their history and the
 * insights figures stay; and the `short` runtime (PII_RETENTION=PT15S) erases an archived lead's
 * contact data on its own once the retention has passed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  acceptBody,
  createLead,
  get,
  type JsonObject,
  partner,
  post,
  sender,
  sleep,
  uniquePartner,
  urls,
} from './helpers.js';

const ERASED_EMAIL = 'erased@erased.invalid';

function erase(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const cli = join('node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'scripts/erase.ts', ...args],
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

const customerOf = (email: string, companyName = 'Fabrikam Ltd') => ({
  customer: {
    companyName,
    contactName: 'Ana Rossi',
    email,
    phone: '+39 02 1234 5678',
    country: 'IT',
    companySize: '50-249',
  },
});

/** Polls until `check` holds (or the time is up), returning the last value. */
async function until<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await sleep(250);
  }
}

type Insights = { leads: Record<string, number>; rates: Record<string, number | null> };

describe('npm run erase -- --email', () => {
  it("erases one customer's contact data everywhere, and the leads and insights keep their figures", async () => {
    const domain = `fabrikam-${randomBytes(4).toString('hex')}.example`;
    const address = `ana.rossi@${domain}`;
    const [a, b] = [uniquePartner(), uniquePartner()];
    const [tokenA, tokenB] = [await partner(a), await partner(b)];
    const first = await createLead(a, customerOf(address), { senderId: 'microsoft-marketing' });
    const second = await createLead(b, customerOf(address.toUpperCase()), { senderId: 'fabrikam-referrals' });
    const bystander = await createLead(a, customerOf(`bo@${domain}`, 'Other Co'));
    expect((await post(`/v1/leads/${first}/accept`, acceptBody(), { token: tokenA })).status).toBe(200);
    expect(
      (await post(`/v1/leads/${second}/decline`, { reason: 'no-capacity' }, { token: tokenB })).status,
    ).toBe(200);
    const insightsOf = async (token: string) => (await get<Insights>('/v1/insights', { token })).body;
    const before = await until(
      () => insightsOf(tokenB),
      (i) => i.leads.declined === 1,
    );
    const beforeA = await until(
      () => insightsOf(tokenA),
      (i) => i.leads.accepted === 1,
    );

    const run = await erase('--email', `  ANA.Rossi@${domain.toUpperCase()} `);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { leads: string[]; erased: number; alreadyErased: number };
    expect(result.leads.sort()).toEqual([first, second].sort());
    expect(result).toMatchObject({ erased: 2, alreadyErased: 0 });
    expect(run.stdout).not.toContain(domain);

    // The partner's view, the sender's view, and the lists all read the tombstone.
    const viewA = (await get<JsonObject>(`/v1/leads/${first}`, { token: tokenA })).body;
    expect(viewA.customer).toEqual({
      companyName: 'Fabrikam Ltd',
      contactName: '[erased]',
      email: ERASED_EMAIL,
      country: 'IT',
      companySize: '50-249',
    });
    expect(viewA.need).toEqual({ title: 'Move our ERP to Azure', products: ['Azure'] });
    expect(viewA).toMatchObject({
      stage: 'accepted',
      version: 2,
      deal: { name: 'Fabrikam ERP migration', crmId: 'CRM-42', notes: '[erased]' },
    });
    const sentView = (
      await get<JsonObject>(`/v1/sent-leads/${second}`, { token: await sender('fabrikam-referrals') })
    ).body;
    expect(sentView).toMatchObject({
      outcome: 'declined',
      customer: { email: ERASED_EMAIL, contactName: '[erased]' },
    });
    const listed = (await get<{ items: JsonObject[] }>('/v1/leads?stage=accepted', { token: tokenA })).body
      .items;
    expect(JSON.stringify(listed)).not.toContain(
      domain.split('.')[0]!.slice(0, 20) === '' ? '@@' : `ana.rossi@`,
    );
    expect(JSON.stringify(await get(`/v1/leads/${first}/history`, { token: tokenA }))).not.toContain(
      'ana.rossi',
    );
    // Someone else at the same company is untouched.
    expect((await get<JsonObject>(`/v1/leads/${bystander}`, { token: tokenA })).body.customer).toMatchObject({
      email: `bo@${domain}`,
    });

    // The duplicates index no longer knows the address: a new lead of it is not flagged against the
    // erased one (only against the bystander's open lead of the same company domain, if at all).
    const again = await createLead(a, customerOf(address));
    const flagged = (
      await get<{ possibleDuplicates: Array<{ leadId: string }> }>(`/v1/leads/${again}`, { token: tokenA })
    ).body.possibleDuplicates;
    expect(flagged.map((d) => d.leadId)).not.toContain(first);

    // Insights keep their figures (a moment for the aggregator to have seen the erasure, were it to count it).
    await sleep(1500);
    expect((await insightsOf(tokenB)).leads).toEqual(before.leads);
    expect((await insightsOf(tokenB)).rates).toEqual(before.rates);
    const afterA = await insightsOf(tokenA);
    // Partner A received one more lead since (`again`), nothing else changed.
    expect(afterA.leads).toEqual({
      ...beforeA.leads,
      received: beforeA.leads.received! + 1,
      open: beforeA.leads.open! + 1,
    });

    // A second request erases what arrived since (the new lead), and a third finds nothing left.
    const rerun = JSON.parse((await erase('--email', address)).stdout) as { leads: string[]; erased: number };
    expect(rerun.leads).toContain(again);
    expect(rerun.erased).toBe(1);
    const third = JSON.parse((await erase('--email', address)).stdout) as { erased: number };
    expect(third.erased).toBe(0);
  });

  it('refuses a malformed address with the usage, exit 2', async () => {
    const run = await erase('--email', 'not-an-address');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run erase -- --email <address>');
  });
});

describe('retention erasure (PII_RETENTION)', () => {
  it('erases the contact data of a lead archived longer ago than the retention, and keeps the rest', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const address = `retained-${randomBytes(4).toString('hex')}@fabrikam.example`;
    const id = await createLead(partnerId, customerOf(address), { base: urls.short });
    const declined = await post(
      `/v1/leads/${id}/decline`,
      { reason: 'not-a-fit' },
      { token, base: urls.short },
    );
    expect(declined.status).toBe(200);

    const read = async (leadId: string) =>
      (
        await get<JsonObject & { customer: { email: string } }>(`/v1/leads/${leadId}`, {
          token,
          base: urls.short,
        })
      ).body;
    // Kept until the retention (15 s on this runtime) has passed, then erased by the reconciler.
    expect((await read(id)).customer.email).toBe(address);
    const after = await until(
      () => read(id),
      (lead) => lead.customer.email === ERASED_EMAIL,
      40_000,
    );
    expect(after).toMatchObject({ stage: 'archived', outcome: 'declined', decline: { reason: 'not-a-fit' } });
    expect(after.customer).toMatchObject({ contactName: '[erased]', companyName: 'Fabrikam Ltd' });
  }, 60_000);
});
