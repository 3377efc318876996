/**
 * The console's webhooks pages in Chromium against the local runtime, with a receiver on this
 * machine (http://127.0.0.1:<port>, which only the local runtime allows): add a subscription (an
 * address the API refuses is refused at its field), its secret shown once and verifying what
 * arrives, a test event failing then delivered by Retry with the same webhook-id, a lead event,
 * a replay, disabling, rotating the secret and deleting; axe and a phone width.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { baseUrl, launchBrowser, postLead, screenshot, seriousViolations, signedInPage } from './support.js';

const SLOW = 90_000;
const partnerId = `w-${randomBytes(4).toString('hex')}`;

/** A partner app: answers 503 while `failing`, else 204, and keeps what it received. */
const receiver = {
  failing: true,
  received: [] as Array<{ headers: IncomingHttpHeaders; body: string; answered: number }>,
};
let server: Server;
let endpoint = '';
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
let webhookPath = '';
let secret = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answered = receiver.failing ? 503 : 204;
      receiver.received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered,
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  browser = await launchBrowser();
  context = browser.context;
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
/** The delivery log's row of the newest delivery of `event`. */
const deliveryRow = (event: string) =>
  page
    .getByRole('table', { name: 'Deliveries' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${event}`) }) })
    .first();

async function expectAccessible() {
  expect(await seriousViolations(page)).toEqual([]);
}

describe('the webhooks pages', () => {
  it(
    'adds a webhook: a refused address at its field, then the secret shown once',
    async () => {
      page = await signedInPage(context, partnerId, '/webhooks');
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.getByText('No webhooks yet.').waitFor();
      await button(page, 'Add a webhook').click();
      const form = page.getByRole('form', { name: 'Add a webhook' });
      const url = form.getByRole('textbox', { name: 'Endpoint URL' });
      await url.fill('https://localhost/hook');
      await button(form, 'Add webhook').click();
      // The API's refusal carries only its code (webhook-url-refused): it lands on the URL field.
      await form.getByText('The URL must name a public host.').waitFor();
      expect(await url.getAttribute('aria-invalid')).toBe('true');
      await form.getByText('Check the fields marked in red.').waitFor();

      await url.fill(endpoint);
      await form.getByRole('textbox', { name: 'Description' }).fill('CRM sync');
      await form.getByRole('checkbox', { name: /^Lead updated/ }).uncheck();
      await button(form, 'Add webhook').click();
      const shown = page.getByRole('textbox', { name: 'Signing secret' });
      await shown.waitFor();
      secret = await shown.inputValue();
      expect(secret).toMatch(/^whsec_/);
      const item = page.getByRole('list', { name: 'Your webhooks' }).getByRole('listitem');
      await item.getByRole('link', { name: 'CRM sync' }).waitFor();
      expect(await item.getByText(/Lead updated/).count()).toBe(0);
      expect(await item.getByText('Enabled').count()).toBe(1);
      await expectAccessible();
      await screenshot(page, '16-webhooks');

      // Shown once: not after a reload.
      await page.reload();
      await item.getByRole('link', { name: 'CRM sync' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0);
      await item.getByRole('link', { name: 'CRM sync' }).click();
      await page.getByRole('heading', { level: 1, name: 'CRM sync' }).waitFor();
      webhookPath = new URL(page.url()).pathname;
      expect(webhookPath).toMatch(/^\/webhooks\/wh_/);
    },
    SLOW,
  );

  it(
    'sends a test event that fails, retries it with the same webhook-id, and logs a lead event',
    async () => {
      receiver.failing = true;
      await button(page, 'Send a test event').click();
      await page.getByText('Test event queued').waitFor();
      // The log follows a pending delivery by itself.
      const test = deliveryRow('Test event');
      await test.getByText(/HTTP 503/).waitFor({ timeout: 20_000 });
      expect(await test.getByText('Pending').count()).toBe(1);

      receiver.failing = false;
      await button(test, 'Retry').click();
      await page.getByText('Delivery queued again, with the same webhook-id.').waitFor();
      await test.getByText('Delivered').waitFor({ timeout: 20_000 });
      expect(await test.getByRole('cell', { name: /^HTTP 204 in \d+ ms/ }).count()).toBe(1);
      // Both attempts, oldest first, behind the count.
      await test.getByText('2', { exact: true }).click();
      const attempts = await test.getByRole('listitem').allInnerTexts();
      expect(attempts.map((a) => a.split(' in ')[0])).toEqual(['HTTP 503', 'HTTP 204']);
      const tests = receiver.received.filter((r) => r.body.includes('"webhook.test"'));
      expect(tests.map((r) => r.answered)).toEqual([503, 204]);
      expect(new Set(tests.map((r) => r.headers['webhook-id'])).size).toBe(1);
      // Signed with the secret the page showed once, as Standard Webhooks' own library checks it.
      const verified = new Webhook(secret).verify(tests[1]!.body, {
        'webhook-id': String(tests[1]!.headers['webhook-id']),
        'webhook-timestamp': String(tests[1]!.headers['webhook-timestamp']),
        'webhook-signature': String(tests[1]!.headers['webhook-signature']),
      });
      expect(verified).toMatchObject({ type: 'webhook.test' });

      await postLead(partnerId, { type: 'customer-inquiry', company: 'Hooked Co', title: 'Events' });
      // A new event is not followed by itself (nothing was pending): Refresh, as a person would.
      const received = deliveryRow('Lead received');
      const deadline = Date.now() + 20_000;
      while ((await received.getByText('Delivered').count()) === 0) {
        if (Date.now() > deadline) throw new Error('the lead event was never delivered');
        await page.waitForTimeout(500);
        await button(page, 'Refresh').click();
      }
      expect(await received.getByRole('link').count()).toBe(1);
      await expectAccessible();
      await screenshot(page, '17-webhook-deliveries');
    },
    SLOW,
  );

  it(
    'replays the events since a moment, in order',
    async () => {
      const before = receiver.received.length;
      const since = page.getByRole('form', { name: 'Send events again' });
      await button(since, 'Send again').click();
      await since.getByText('Required: a date and time.').waitFor();
      const hourAgo = new Date(Date.now() - 3600_000);
      const local = new Date(hourAgo.getTime() - hourAgo.getTimezoneOffset() * 60_000)
        .toISOString()
        .slice(0, 16);
      await since.getByLabel('Since (your local time)').fill(local);
      await button(since, 'Send again').click();
      // The lead event only: test events are not replayed.
      await page.getByText('1 event queued again, in order.').waitFor();
      const deadline = Date.now() + 15_000;
      while (receiver.received.length === before && Date.now() < deadline) await page.waitForTimeout(200);
      expect(receiver.received.slice(before).map((r) => JSON.parse(r.body).type)).toEqual(['lead.received']);
    },
    SLOW,
  );

  it(
    'disables it, rotates the secret, fits a phone, and deletes it',
    async () => {
      await button(page, 'Change').click();
      const form = page.getByRole('form', { name: 'Change the webhook' });
      await form.getByRole('switch', { name: 'Enabled (events are sent)' }).click();
      await button(form, 'Save changes').click();
      await page.getByText('Webhook saved.').waitFor();
      await page.getByText('Disabled by you').waitFor();
      expect(await button(page, 'Send a test event').isDisabled()).toBe(true);

      await button(page, 'Rotate secret').click();
      const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
      await button(dialog, 'Rotate secret').click();
      const rotated = page.getByRole('textbox', { name: 'Signing secret' });
      await rotated.waitFor();
      expect(await rotated.inputValue()).toMatch(/^whsec_/);
      expect(await rotated.inputValue()).not.toBe(secret);

      await page.setViewportSize({ width: 375, height: 812 });
      expect(
        await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0);
      await screenshot(page, '18-phone-webhook');
      await page.setViewportSize({ width: 1280, height: 900 });

      await button(page, 'Delete').click();
      await button(page.getByRole('dialog', { name: 'Delete this webhook?' }), 'Delete webhook').click();
      await page.getByText('No webhooks yet.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/webhooks');
      await page.goto(`${baseUrl}${webhookPath}`);
      await page.getByText('There is no such webhook: it may have been deleted.').waitFor();
      await page.close();
    },
    SLOW,
  );
});
