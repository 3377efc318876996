/**
 * The console's insights and profile pages in Chromium against the local runtime: the charts and
 * their tables show the figures of the leads a partner answered, a period the API would refuse is
 * refused at its field (by the browser, and by the API for a period typed into the address), the
 * page fits a phone; the profile saves its company name, description and listing, and shows each
 * contact's confirmation status as it moves from pending to confirmed or suppressed.
 */
import { randomBytes } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BrowserContext, Page } from 'playwright-core';
import { sesEvent } from '../../local/ses.js';
import {
  asPartner,
  baseUrl,
  launchBrowser,
  partnerToken,
  postLead,
  screenshot,
  seriousViolations,
  sesUrl,
  signedInPage,
  sqsUrl,
} from './support.js';

const SLOW = 90_000;
const partnerId = `i-${randomBytes(4).toString('hex')}`;

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;

const seed = (company: string, type: 'customer-inquiry' | 'sales-qualified' = 'customer-inquiry') =>
  postLead(partnerId, { type, company, title: 'Azure migration' });
const deal = (name: string, amount: number) => ({
  deal: { name, value: { amount, currency: 'EUR' }, estimatedCloseDate: '2027-06-30' },
});

beforeAll(async () => {
  browser = await launchBrowser();
  context = browser.context;
  // Six leads: one open, three accepted (one won, one lost), two declined for different reasons.
  await seed('Open Co');
  for (const [i, company] of ['Won Co', 'Lost Co', 'Going Co'].entries()) {
    const id = await seed(company, 'sales-qualified');
    await asPartner(partnerId, 'POST', `/v1/leads/${id}/accept`, deal(`${company} deal`, 10_000 * (i + 1)));
    if (i === 0) await asPartner(partnerId, 'POST', `/v1/leads/${id}/won`, {});
    if (i === 1) await asPartner(partnerId, 'POST', `/v1/leads/${id}/lost`, {});
  }
  await asPartner(partnerId, 'POST', `/v1/leads/${await seed('Busy Co')}/decline`, { reason: 'no-capacity' });
  await asPartner(partnerId, 'POST', `/v1/leads/${await seed('Far Co')}/decline`, {
    reason: 'outside-service-area',
  });
}, SLOW);

afterAll(async () => {
  await browser?.close();
});

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const figures = (page: Page, table: string) => page.getByRole('table', { name: table, exact: true });
/** The cells of the row named `row` in the table named `table`, as text. */
const rowOf = (page: Page, table: string, row: string) =>
  figures(page, table)
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: row, exact: true }) })
    .getByRole('cell')
    .allInnerTexts();

/** Opens the insights until the aggregates (fed by the table's stream) count every seeded lead. */
async function insightsWithAllLeads(page: Page) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await figures(page, 'From received to won').waitFor({ state: 'attached' });
    if ((await rowOf(page, 'From received to won', 'Received'))[0] === '6') return;
    if (Date.now() > deadline) throw new Error('the insights never counted the six leads');
    await page.waitForTimeout(500);
    await page.reload();
  }
}

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

describe('the insights page', () => {
  it(
    "charts the period's leads, each chart also a table, beside all partners",
    async () => {
      const page = await context.newPage();
      // The chart library styles through the CSSOM like the rest of Fluent: the console's CSP refuses nothing.
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(`${baseUrl}/insights?token=${encodeURIComponent(await partnerToken(partnerId))}`);
      await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor();
      await insightsWithAllLeads(page);
      expect(await page.getByRole('link', { name: 'Insights' }).getAttribute('aria-current')).toBe('page');

      for (const name of [
        'Leads by month',
        'From received to won',
        "Rates, yours and all partners'",
        'Response time',
        'Why leads were declined',
        'By lead type',
      ])
        await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
      expect(await rowOf(page, 'From received to won', 'Answered')).toEqual(['5']);
      expect(await rowOf(page, 'From received to won', 'Accepted')).toEqual(['3']);
      expect(await rowOf(page, 'From received to won', 'Won')).toEqual(['1']);
      // Acceptance = 3 accepted / (3 + 2 declined + 0 expired); win = 1 / (1 + 1).
      const acceptance = await rowOf(
        page,
        "Rates, yours and all partners'",
        'Acceptance (accepted of the leads answered or expired)',
      );
      expect(acceptance[0]).toMatch(/^60\s?%$/);
      expect(
        (await rowOf(page, "Rates, yours and all partners'", 'Win (won of the deals closed)'))[0],
      ).toMatch(/^50\s?%$/);
      expect(await rowOf(page, 'Why leads were declined', 'No capacity right now')).toEqual(['1']);
      expect(await rowOf(page, 'Why leads were declined', 'Outside our service area')).toEqual(['1']);
      expect(await rowOf(page, 'By lead type', 'Sales qualified')).toEqual([
        '3',
        '0',
        '3',
        '0',
        '0',
        '1',
        '1',
      ]);
      // The summary: the pipeline is the deal still open (30,000), the won value the won one's (10,000).
      const summary = page.getByRole('region', { name: 'Summary' });
      await summary.getByText(/€30,000\.00/).waitFor();
      await summary.getByText(/€10,000\.00/).waitFor();
      // The charts draw the same figures: a bar per funnel step, named with its count.
      await page
        .getByRole('region', { name: 'From received to won' })
        .locator('[aria-label*="Received"]')
        .first()
        .waitFor();

      // The tables are read by screen readers all along; "Show the figures" shows one to everyone.
      // Out of sight: the table sits in a 1-pixel box that clips it.
      const box = figures(page, 'From received to won').locator('xpath=..');
      expect((await box.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
      const toggle = page
        .getByRole('region', { name: 'From received to won' })
        .getByRole('button', { name: 'Show the figures' });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      expect((await box.boundingBox())?.width ?? 0).toBeGreaterThan(100);
      await expectAccessible(page);
      expect(refused).toEqual([]);
      await screenshot(page, '13-insights');
      await page.close();
    },
    SLOW,
  );

  it(
    'refuses a period at its field: in the browser, and the API for one typed into the address',
    async () => {
      const page = await signedInPage(context, partnerId, '/insights');
      const period = page.getByRole('form', { name: 'Period' });
      await period.waitFor();
      const first = page.getByLabel('First month');
      const last = page.getByLabel('Last month');
      await first.fill('2026-06');
      await last.fill('2026-03');
      await button(page, 'Show').click();
      await page.getByText('Must not be after the last month.').waitFor();
      expect(await first.getAttribute('aria-invalid')).toBe('true');

      await first.fill('2026-01');
      await button(page, 'Show').click();
      await page.waitForURL(/from=2026-01&to=2026-03/);
      await page.getByText(/^Jan 2026 to Mar 2026, as of /).waitFor();
      expect(await first.getAttribute('aria-invalid')).not.toBe('true');

      // The API's problem+json names query.from: its message lands on the first month.
      await page.goto(`${baseUrl}/insights?from=2026-13&to=2026-03`);
      await page.getByText(/^Must be a month, YYYY-MM/).waitFor();
      expect(await page.getByLabel('First month').getAttribute('aria-invalid')).toBe('true');
      await page.getByText('Validation failed').waitFor();
      // And a period out of order, which the API refuses at query.from too.
      await page.goto(`${baseUrl}/insights?from=2026-06&to=2026-03`);
      await page.getByText(/^Must not be after `to`/).waitFor();
      expect(await page.getByLabel('First month').getAttribute('aria-invalid')).toBe('true');
      await page.close();
    },
    SLOW,
  );

  it(
    'fits a phone: nothing scrolls sideways',
    async () => {
      const page = await signedInPage(context, partnerId, '/insights');
      await page.setViewportSize({ width: 375, height: 812 });
      await insightsWithAllLeads(page);
      expect(
        await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0);
      await screenshot(page, '14-phone-insights');
      await page.close();
    },
    SLOW,
  );
});

/** The link the runtime emailed to `address` to confirm it. */
async function confirmationLink(address: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const store = (await (await fetch(`${sesUrl}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; subject: string; body: { text?: string } }>;
    };
    const email = store.emails.find(
      (e) => e.destination.to.includes(address) && /^Confirm your address/.test(e.subject),
    );
    const link = /(http:\/\/\S+\/v1\/contacts\/confirm\?token=[A-Za-z0-9_-]+)/.exec(
      email?.body.text ?? '',
    )?.[1];
    // The runtime listens on 127.0.0.1; the link says localhost, which may resolve to ::1 first.
    if (link) return link.replace('localhost', '127.0.0.1');
    if (Date.now() > deadline) throw new Error(`no confirmation email reached ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the profile page', () => {
  it(
    "saves the company name, description and listing, and shows each contact's confirmation status",
    async () => {
      const page = await signedInPage(context, partnerId, '/profile');
      const form = page.getByRole('form', { name: 'Business profile' });
      await form.waitFor();
      await form.getByRole('textbox', { name: 'Company name' }).fill('Contoso Italia');
      await form.getByRole('textbox', { name: 'Description' }).fill('ERP and Azure migrations\nin Italy');
      const listed = form.getByRole('checkbox', { name: 'List us in partner search' });
      expect(await listed.isChecked()).toBe(true);
      await listed.uncheck();
      await button(page, 'Add a location').click();
      const location = page.getByRole('group', { name: 'Location 1' });
      await location.getByRole('textbox', { name: 'Name' }).first().fill('Milan');
      await location.getByRole('textbox', { name: 'Country' }).fill('IT');
      const tag = randomBytes(3).toString('hex');
      const confirms = `desk-${tag}@contoso.example`;
      const bounces = `old-${tag}@contoso.example`;
      for (const [i, email] of [confirms, bounces].entries()) {
        if (i > 0) await button(page, 'Add contact').click();
        const contact = location.getByRole('group', { name: `Contact ${i + 1}` });
        await contact.getByRole('textbox', { name: 'Name' }).fill(`Desk ${i + 1}`);
        await contact.getByRole('textbox', { name: 'Email' }).fill(email);
        await contact.getByText('Not saved yet').waitFor();
      }
      await button(page, 'Save profile').click();
      await page.getByText('Profile saved.').waitFor();
      expect(await location.getByText('Pending confirmation').count()).toBe(2);
      await page
        .getByText('2 addresses have not confirmed yet and receive no alerts.', { exact: false })
        .waitFor();

      // One owner opens the emailed link; the other address hard-bounces.
      expect((await fetch(await confirmationLink(confirms))).status).toBe(200);
      const sqs = new SQSClient({
        endpoint: sqsUrl,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: `${sqsUrl}/000000000000/ses-events`,
          MessageBody: JSON.stringify(sesEvent('bounce', bounces)),
        }),
      );
      sqs.destroy();

      const deadline = Date.now() + 15_000;
      const suppressed = page.getByText('Suppressed (bounced or complained)');
      for (;;) {
        await page.reload();
        await page.getByRole('group', { name: 'Location 1: Milan' }).waitFor();
        if ((await suppressed.count()) > 0) break;
        if (Date.now() > deadline) throw new Error('the bounce never showed');
        await page.waitForTimeout(500);
      }
      const contact = (n: number) =>
        page.getByRole('group', { name: 'Location 1: Milan' }).getByRole('group', { name: `Contact ${n}` });
      await contact(1).getByText('Confirmed', { exact: true }).waitFor();
      await contact(2).getByText('Suppressed (bounced or complained)').waitFor();
      expect(await page.getByText(/have not confirmed yet|has not confirmed yet/).count()).toBe(0);
      expect(await page.getByRole('textbox', { name: 'Company name' }).inputValue()).toBe('Contoso Italia');
      // One line, as the API keeps it: the typed line break became a space.
      expect(await page.getByRole('textbox', { name: 'Description' }).inputValue()).toBe(
        'ERP and Azure migrations in Italy',
      );
      expect(await page.getByRole('checkbox', { name: 'List us in partner search' }).isChecked()).toBe(false);
      await expectAccessible(page);
      await screenshot(page, '15-profile-statuses');
      await page.close();
    },
    SLOW,
  );
});
