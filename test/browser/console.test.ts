/**
 * The partner console in Debian's Chromium against the local runtime, as a partner's people use it:
 * sign in, the three tabs and their stages, the heart, accepting and declining through the forms
 * (with the API's refusals shown next to the fields), an archived lead's read-only page, the
 * profile, the flame changing after the contact-now window, a phone-width layout, axe-core on every
 * page, and the first-load budget. Controls are found by role and name, as a screen reader finds them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { CONTACT_NOW_SECONDS } from './global-setup.js';
import {
  asPartner,
  baseUrl,
  launchBrowser,
  postLead,
  screenshot,
  screenshotDir,
  seriousViolations,
  signedInPage,
} from './support.js';

const SLOW = 90_000;
const partnerId = `b-${randomBytes(4).toString('hex')}`;
const ACTIONS = ['Accept', 'Decline', 'Edit', 'Add contacts', 'Won', 'Lost'];

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
const lead: Record<string, string> = {};
let oldFlameCreatedAt = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  context = browser.context;
  oldFlameCreatedAt = Date.now();
  lead.oldFlame = await postLead(partnerId, {
    type: 'customer-inquiry',
    company: 'Contoso Pharma',
    title: 'Analytics platform',
    contactRequested: true,
  });
  lead.toAccept = await postLead(partnerId, {
    type: 'customer-inquiry',
    company: 'Fabrikam Ltd',
    title: 'Move our ERP to Azure',
    contactRequested: true,
  });
  lead.toDecline = await postLead(partnerId, {
    type: 'customer-inquiry',
    company: 'Northwind Traders',
    title: 'Teams rollout',
  });
  lead.marketing = await postLead(partnerId, {
    type: 'marketing-qualified',
    company: 'Tailspin Toys',
    title: 'Security review',
  });
  lead.sales = await postLead(partnerId, {
    type: 'sales-qualified',
    company: 'Wide World Importers',
    title: 'Data estate',
  });
  lead.accepted = await postLead(partnerId, {
    type: 'sales-qualified',
    company: 'Litware',
    title: 'CRM integration',
  });
  await asPartner(partnerId, 'POST', `/v1/leads/${lead.accepted}/accept`, {
    deal: {
      name: 'Litware CRM',
      value: { amount: 50000, currency: 'EUR' },
      estimatedCloseDate: '2027-06-30',
    },
  });
  lead.archived = await postLead(partnerId, {
    type: 'customer-inquiry',
    company: 'Adventure Works',
    title: 'Backup',
  });
  await asPartner(partnerId, 'POST', `/v1/leads/${lead.archived}/decline`, { reason: 'not-a-fit' });
}, SLOW);

afterAll(async () => {
  await browser?.close();
});

/** The list item of the lead whose title link names `company`. */
const card = (page: Page, company: string) => page.getByRole('listitem').filter({ hasText: company });
const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });

/** Waits until a toggle button's aria-pressed says `state`. */
async function pressed(toggle: Locator, state: boolean) {
  await toggle.and(toggle.page().locator(`[aria-pressed="${state}"]`)).waitFor();
}

/**
 * Holds the page's next request to a URL `matches` accepts: `answered` once the API has answered
 * it, `deliver()` hands that answer to the page (unless the page gave up on it), waits until the
 * page has it, and lets the page draw.
 */
async function holdNext(page: Page, matches: (url: URL) => boolean) {
  let answered!: () => void;
  let failed!: (error: unknown) => void;
  let release!: () => void;
  const read = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let delivered: Promise<unknown> = Promise.resolve();
  await page.route(
    matches,
    async (route, request) => {
      // Finished, or failed because the page cancelled it: either way the page is done with it.
      const ended = Promise.race([
        page.waitForEvent('requestfinished', { predicate: (r) => r === request, timeout: 0 }),
        page.waitForEvent('requestfailed', { predicate: (r) => r === request, timeout: 0 }),
      ]);
      ended.catch(() => undefined);
      try {
        const response = await route.fetch();
        answered();
        delivered = held.then(() => route.fulfill({ response }).catch(() => undefined)).then(() => ended);
      } catch (error) {
        failed(error);
      }
    },
    { times: 1 },
  );
  return {
    answered: read,
    async deliver() {
      release();
      await read;
      await delivered;
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))');
    },
  };
}

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Waits until the list of `tab`, `stage` is on screen. */
async function showList(page: Page, tabName: string, stage: string) {
  await tab(page, tabName).click();
  await tab(page, stage).click();
  await page.getByRole('list', { name: `${tabName}, ${stage.toLowerCase()}` }).waitFor();
}

async function openLead(page: Page, id: string) {
  await page.goto(`${baseUrl}/leads/${id}`);
  await page.getByRole('heading', { name: 'History' }).waitFor();
}

describe('the partner console in Chromium', () => {
  it(
    'signs in by picking a partner, role and user, with refusals next to the field',
    async () => {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await page.getByRole('heading', { name: 'Sign in to Partner Referrals' }).waitFor();
      await expectAccessible(page);
      await screenshot(page, '01-sign-in');

      const partnerField = page.getByRole('textbox', { name: 'Partner id' });
      await partnerField.fill('Not A Partner');
      await button(page, 'Sign in').click();
      // The local sign-in's own validation, in words beside the field it concerns.
      const message = page.getByText('Must be 2-64 characters of a-z, 0-9 and -.');
      await message.waitFor();
      expect(await partnerField.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await partnerField.getAttribute('aria-describedby')) ?? '';
      expect(describedBy.split(' ')).toContain(await message.getAttribute('id'));

      await partnerField.fill(partnerId);
      await page.getByRole('combobox', { name: 'Role' }).selectOption('mpn-partner-admin');
      await page.getByRole('textbox', { name: 'User' }).fill('bianca');
      await button(page, 'Sign in').click();
      await page.getByRole('heading', { level: 1, name: 'Leads' }).waitFor();
      expect(await page.getByText(`bianca · ${partnerId}`).count()).toBe(1);
      for (const name of ['Marketplace', 'Qualified', 'Favorites'])
        expect(await tab(page, name).count()).toBe(1);

      await button(page, 'Sign out').click();
      await page.getByRole('heading', { name: 'Sign in to Partner Referrals' }).waitFor();
      await page.close();
    },
    SLOW,
  );

  it(
    'signs in with /?token=, drops the token from the address, and refuses a bad one',
    async () => {
      const page = await signedInPage(context, partnerId);
      expect(new URL(page.url()).search).toBe('');
      await page.goto(`${baseUrl}/?token=not.a.token`);
      await page.getByText('The token in the address is not a valid, unexpired token').waitFor();
      await page.close();
    },
    SLOW,
  );

  it(
    'lists each tab by stage, and the tabs work by keyboard',
    async () => {
      const page = await signedInPage(context, partnerId);
      await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
      for (const company of ['Contoso Pharma', 'Fabrikam Ltd', 'Northwind Traders']) {
        expect(await card(page, company).count()).toBe(1);
      }
      expect(await card(page, 'Tailspin Toys').count()).toBe(0);
      expect(
        await card(page, 'Fabrikam Ltd')
          .getByText(/13 days \d+ hours? left to answer/)
          .count(),
      ).toBe(1);
      await expectAccessible(page);
      await screenshot(page, '02-leads');

      // Arrow keys move between the tabs; Enter selects one.
      await tab(page, 'Marketplace').focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      await page.getByRole('list', { name: 'Qualified, received' }).waitFor();
      expect(await tab(page, 'Qualified').getAttribute('aria-selected')).toBe('true');
      for (const company of ['Tailspin Toys', 'Wide World Importers'])
        expect(await card(page, company).count()).toBe(1);
      expect(await card(page, 'Fabrikam Ltd').count()).toBe(0);

      await showList(page, 'Qualified', 'Accepted');
      expect(await card(page, 'Litware').getByText('Litware CRM').count()).toBe(1);
      await showList(page, 'Marketplace', 'Archived');
      expect(await card(page, 'Adventure Works').getByText('Declined').count()).toBe(1);
      await page.close();
    },
    SLOW,
  );

  it(
    'puts a lead in Favorites with its heart, by mouse and by keyboard',
    async () => {
      const page = await signedInPage(context, partnerId);
      await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
      const heart = button(card(page, 'Northwind Traders'), 'Favorite');
      expect(await heart.getAttribute('aria-pressed')).toBe('false');
      // The list read after this toggle is answered by the API at once but reaches the page only
      // once the next toggle is drawn and stored, before the page hears it was: that stale answer
      // must not undo the heart (the next press would then repeat the toggle, not reverse it).
      const staleList = await holdNext(page, (url) => url.pathname === '/v1/leads');
      await heart.click();
      await pressed(heart, true);
      await staleList.answered;
      const other = button(card(page, 'Contoso Pharma'), 'Favorite');
      const slowToggle = await holdNext(page, (url) => url.pathname.endsWith('/favorite'));
      await other.focus();
      // Its on and off at once: the console sends them in order, so the off is what stays.
      const answered: string[] = [];
      page.on('response', (r) => {
        if (r.url().endsWith('/favorite')) answered.push(`${r.request().method()} ${r.status()}`);
      });
      const unfavorited = page.waitForResponse(
        (r) => r.request().method() === 'DELETE' && r.url().endsWith('/favorite'),
      );
      await page.keyboard.press('Enter');
      await pressed(other, true);
      await slowToggle.answered;
      await staleList.deliver();
      expect(await other.getAttribute('aria-pressed')).toBe('true');
      // The off while the on is still unanswered: the console sends it once the on is answered.
      await page.keyboard.press('Space');
      await pressed(other, false);
      await slowToggle.deliver();
      await unfavorited;
      expect(answered.slice(-2)).toEqual(['PUT 204', 'DELETE 204']);
      expect(await heart.getAttribute('aria-pressed')).toBe('true');

      await showList(page, 'Favorites', 'Received');
      expect(await card(page, 'Northwind Traders').count()).toBe(1);
      expect(await card(page, 'Contoso Pharma').count()).toBe(0);
      expect(await button(card(page, 'Northwind Traders'), 'Favorite').getAttribute('aria-pressed')).toBe(
        'true',
      );
      await screenshot(page, '03-favorites');
      await page.close();
    },
    SLOW,
  );

  it(
    'accepts a lead through the form; what is missing or refused shows next to its field',
    async () => {
      const page = await signedInPage(context, partnerId);
      await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
      await page.getByRole('link', { name: 'Fabrikam Ltd: Move our ERP to Azure' }).click();
      await page.getByRole('heading', { level: 1, name: 'Fabrikam Ltd: Move our ERP to Azure' }).waitFor();
      await button(page, 'Accept').click();
      const form = page.getByRole('form', { name: 'Accept the lead' });
      await form.waitFor();
      // Focus moved into the form, on its first field.
      expect(await page.evaluate('document.activeElement.value')).toContain('Fabrikam');

      await button(form, 'Accept lead').click();
      await form.getByText('Required.').first().waitFor();
      expect(
        await form.getByRole('spinbutton', { name: 'Estimated value' }).getAttribute('aria-invalid'),
      ).toBe('true');

      await form.getByRole('spinbutton', { name: 'Estimated value' }).fill('120000');
      await form.getByRole('combobox', { name: 'Currency' }).selectOption('EUR');
      await form.getByLabel('Estimated close date').fill('2027-03-31');
      await form
        .getByRole('textbox', { name: 'Notes' })
        .fill('Forty servers, two sites; wants a plan by March.');
      await form.getByRole('textbox', { name: 'CRM id' }).fill('CRM-0042');
      await form.getByRole('textbox', { name: 'Marketing campaign id' }).fill('FY27-ERP');
      await button(form, 'Add contact').click();
      const contact = form.getByRole('group', { name: 'Contact 1' });
      await contact.getByRole('textbox', { name: 'Name' }).fill('Luca Bianchi');
      await contact.getByRole('textbox', { name: 'Email' }).fill('luca@');
      await button(form, 'Accept lead').click();
      // The API's 400 names contacts.0.email: its message lands on that field.
      const email = contact.getByRole('textbox', { name: 'Email' });
      await contact.locator('input[type="email"][aria-invalid="true"]').waitFor();
      await form.getByText('Check the fields marked in red.').waitFor();
      await expectAccessible(page);
      await screenshot(page, '04-accept-form');

      await email.fill('luca@contoso.example');
      await button(form, 'Accept lead').click();
      await page.getByText('Lead accepted.').waitFor();
      for (const name of ['Edit', 'Add contacts', 'Won', 'Lost'])
        expect(await button(page, name).count()).toBe(1);
      expect(await button(page, 'Accept').count()).toBe(0);
      const history = page.getByRole('region', { name: 'History' });
      await history.getByText('Accepted (Received → Accepted)').waitFor();
      expect(await page.getByRole('region', { name: 'Deal' }).getByText('CRM-0042').count()).toBe(1);
      expect(
        await page.getByRole('region', { name: 'Your contacts' }).getByText('Luca Bianchi').count(),
      ).toBe(1);
      await expectAccessible(page);
      await screenshot(page, '05-lead-accepted');
      await page.close();
    },
    SLOW,
  );

  it(
    'declines another lead with a reason; the API asks for notes with "other"',
    async () => {
      const page = await signedInPage(context, partnerId, `/leads/${lead.toDecline}`);
      await page.getByRole('heading', { level: 1, name: 'Northwind Traders: Teams rollout' }).waitFor();
      await button(page, 'Decline').click();
      const form = page.getByRole('form', { name: 'Decline the lead' });
      const reason = form.getByRole('combobox', { name: 'Reason' });
      await reason.selectOption({ label: 'Other (explain in the notes)' });
      await button(form, 'Decline lead').click();
      await form.getByText('Notes are required when the reason is other.').waitFor();
      expect(await form.getByRole('textbox', { name: 'Notes' }).getAttribute('aria-invalid')).toBe('true');

      await reason.selectOption({ label: 'No capacity right now' });
      await form.getByRole('textbox', { name: 'Notes' }).fill('Fully booked until spring.');
      await button(form, 'Decline lead').click();
      await page.getByText(/Lead declined/).waitFor();
      await page.getByText('This lead is archived and read-only.').waitFor();
      for (const name of ACTIONS) expect(await button(page, name).count()).toBe(0);
      expect(
        await page.getByRole('region', { name: 'Declined' }).getByText('No capacity right now').count(),
      ).toBe(1);
      await page
        .getByRole('region', { name: 'History' })
        .getByText('Declined (Received → Archived)')
        .waitFor();
      await screenshot(page, '06-lead-declined');
      await page.close();
    },
    SLOW,
  );

  it(
    'shows an archived lead read-only, with no action',
    async () => {
      const page = await signedInPage(context, partnerId, `/leads/${lead.archived}`);
      await page.getByRole('heading', { name: 'History' }).waitFor();
      await page.getByText('This lead is archived and read-only.').waitFor();
      for (const name of ACTIONS) expect(await button(page, name).count()).toBe(0);
      expect(await page.getByRole('form').count()).toBe(0);
      await expectAccessible(page);
      await screenshot(page, '07-lead-archived');
      await page.close();
    },
    SLOW,
  );

  it(
    'offers an accepted lead its edit, contacts, won and lost actions',
    async () => {
      const page = await signedInPage(context, partnerId, `/leads/${lead.accepted}`);
      await page.getByRole('heading', { name: 'History' }).waitFor();
      await button(page, 'Edit').click();
      const form = page.getByRole('form', { name: 'Edit the deal' });
      await form.getByRole('textbox', { name: 'Notes' }).fill('Kick-off booked.');
      await button(form, 'Save changes').click();
      await page.getByText('Deal updated.').waitFor();
      expect(await page.getByRole('region', { name: 'Deal' }).getByText('Kick-off booked.').count()).toBe(1);

      await button(page, 'Won').click();
      const won = page.getByRole('form', { name: 'Mark the deal as won' });
      await won.getByRole('spinbutton', { name: 'Final value (if not the estimate)' }).fill('48000');
      await button(won, 'Mark as won').click();
      await page.getByText('Marked as won: the lead is archived.').waitFor();
      for (const name of ACTIONS) expect(await button(page, name).count()).toBe(0);
      await page
        .getByRole('region', { name: 'History' })
        .getByText('Marked won (Accepted → Archived)')
        .waitFor();
      await page.close();
    },
    SLOW,
  );

  it(
    'edits the profile; a refused value shows next to its field',
    async () => {
      const page = await signedInPage(context, partnerId, '/profile');
      await page.getByRole('form', { name: 'Business profile' }).waitFor();
      await page.getByRole('textbox', { name: 'Keywords' }).fill('Azure, ERP migration');
      await page.getByRole('checkbox', { name: '50–249 employees' }).check();
      await button(page, 'Add a location').click();
      const location = page.getByRole('group', { name: 'Location 1' });
      await location.getByRole('textbox', { name: 'Name' }).first().fill('Milan');
      await location.getByRole('textbox', { name: 'Country' }).fill('I');
      const contact = location.getByRole('group', { name: 'Contact 1' });
      await contact.getByRole('textbox', { name: 'Name' }).fill('Giulia Verdi');
      await contact.getByRole('textbox', { name: 'Email' }).fill('giulia@contoso.example');
      await button(page, 'Save profile').click();
      await page.getByText('Must be an ISO 3166-1 alpha-2 code.').waitFor();
      expect(await location.getByRole('textbox', { name: 'Country' }).getAttribute('aria-invalid')).toBe(
        'true',
      );

      await location.getByRole('textbox', { name: 'Country' }).fill('IT');
      await button(page, 'Save profile').click();
      await page.getByText('Profile saved.').waitFor();
      await page.reload();
      await page.getByRole('group', { name: 'Location 1: Milan' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Keywords' }).inputValue()).toBe('Azure, ERP migration');
      expect(await page.getByRole('checkbox', { name: '50–249 employees' }).isChecked()).toBe(true);
      await expectAccessible(page);
      await screenshot(page, '08-profile');
      await page.close();
    },
    SLOW,
  );

  it(
    'changes the flame once the contact-now window has passed',
    async () => {
      const wait = oldFlameCreatedAt + (CONTACT_NOW_SECONDS + 1) * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const fresh = await postLead(partnerId, {
        type: 'customer-inquiry',
        company: 'Proseware',
        title: 'Copilot pilot',
        contactRequested: true,
      });
      await postLead(partnerId, { type: 'customer-inquiry', company: 'Blue Yonder', title: 'Website' });
      const page = await signedInPage(context, partnerId);
      await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
      expect(await card(page, 'Proseware').getByText('Contact now').count()).toBe(1);
      expect(await card(page, 'Contoso Pharma').getByText('Contact requested').count()).toBe(1);
      expect(await card(page, 'Contoso Pharma').getByText('Contact now').count()).toBe(0);
      // A lead whose customer asked for no contact has neither.
      expect(
        await card(page, 'Blue Yonder')
          .getByText(/Contact (now|requested)/)
          .count(),
      ).toBe(0);
      await screenshot(page, '09-flame');
      await openLead(page, fresh);
      await page.getByText('The customer asked to be contacted: reach out as soon as you can.').waitFor();
      await screenshot(page, '10-lead-contact-now');
      await page.close();
    },
    SLOW,
  );

  it(
    'fits a phone: nothing scrolls sideways, every control still reachable',
    async () => {
      const page = await signedInPage(context, partnerId);
      await page.setViewportSize({ width: 375, height: 812 });
      const overflow = () => page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, '11-phone-leads');
      await openLead(page, lead.oldFlame!);
      await button(page, 'Accept').click();
      await page.getByRole('form', { name: 'Accept the lead' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, '12-phone-accept');
      await page.goto(`${baseUrl}/profile`);
      await page.getByRole('form', { name: 'Business profile' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.close();
    },
    SLOW,
  );

  it(
    'shows a role without lead access the API refusal in words',
    async () => {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await page.getByRole('textbox', { name: 'Partner id' }).fill(partnerId);
      await page
        .getByRole('combobox', { name: 'Role' })
        .selectOption({ label: 'Another role (no access to leads)' });
      await button(page, 'Sign in').click();
      await page.getByText(/Requires one of the roles/).waitFor();
      await page.close();
    },
    SLOW,
  );

  it(
    'loads the leads page within the JavaScript budget, and reports the time to the first lead list',
    async () => {
      const loads = 5;
      const samples: number[] = [];
      let scripts: string[] = [];
      for (let i = 0; i < loads; i++) {
        const page = await signedInPage(context, partnerId);
        await page.getByRole('list', { name: 'Marketplace, received' }).waitFor();
        const timing = (await page.evaluate(
          `JSON.stringify({ mark: performance.getEntriesByName('first-lead-list')[0]?.startTime ?? null,
            scripts: performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.endsWith('.js')) })`,
        )) as string;
        const { mark, scripts: loaded } = JSON.parse(timing) as { mark: number | null; scripts: string[] };
        expect(mark).not.toBeNull();
        samples.push(mark ?? 0);
        if (i === 0) scripts = loaded;
        await page.close();
      }
      // The scripts a first visit to the leads page fetched, as CloudFront would send them (gzip).
      const dist = join(process.cwd(), 'console', 'dist');
      const files = scripts.map((url) => new URL(url).pathname);
      expect(files.length).toBeGreaterThan(0);
      const gzipBytes = files.reduce((sum, path) => sum + gzipSync(readFileSync(join(dist, path))).length, 0);
      const sorted = [...samples].sort((a, b) => a - b);
      const p50 = sorted[Math.floor(sorted.length / 2)]!;
      writeFileSync(
        join(screenshotDir, 'measurements.json'),
        JSON.stringify(
          { firstLoadJsGzipBytes: gzipBytes, scripts: files, firstLeadListMs: { p50, samples } },
          null,
          2,
        ),
      );
      expect(gzipBytes).toBeLessThanOrEqual(250_000);
    },
    SLOW,
  );
});
