/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), tokens signed with the local key, leads posted as a sender would, screenshots, and
 * axe-core's verdict on a page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { partnerClaims, senderClaims } from '../../local/claims.js';
import { localSigner } from '../../local/jwt.js';

export const baseUrl = process.env.BROWSER_RUNTIME_URL ?? '';
export const screenshotDir = process.env.BROWSER_SCREENSHOTS ?? '';
/** The runtime's local SES (sent mail as JSON at /store) and its local queues. */
export const sesUrl = process.env.BROWSER_SES_URL ?? '';
export const sqsUrl = process.env.BROWSER_SQS_URL ?? '';
if (!baseUrl || !screenshotDir) throw new Error('no browser runtime: run through `npm run test:browser`');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile (its own --user-data-dir), removed again on close. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const signer = await localSigner();
export const partnerToken = (partnerId: string, user = 'alice', role = 'referrals-admin') =>
  signer.sign(partnerClaims(partnerId, { role, ...(user ? { user } : {}) }), 3600);
const senderToken = signer.sign(senderClaims('microsoft-marketing'), 3600);

export interface SeedLead {
  type: 'customer-inquiry' | 'marketing-qualified' | 'sales-qualified';
  company: string;
  title: string;
  contactRequested?: boolean;
}

/** Posts a lead to `partnerId` as the microsoft-marketing sender; answers its id. */
export async function postLead(partnerId: string, lead: SeedLead): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/leads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await senderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      partnerId,
      type: lead.type,
      customer: {
        companyName: lead.company,
        contactName: 'Ana Rossi',
        email: 'ana@fabrikam.example',
        phone: '+39 02 1234 5678',
        country: 'IT',
        companySize: '50-249',
      },
      need: { title: lead.title, description: 'Forty servers.\nTwo sites.', products: ['Azure'] },
      contactRequested: lead.contactRequested ?? false,
    }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`POST /v1/leads answered ${response.status}`);
  return body.id;
}

/** Calls the API as a partner user (to arrange a lead's state before a test looks at it). */
export async function asPartner(partnerId: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await partnerToken(partnerId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

/** A new tab at `path`, signed in as `user` of `partnerId` through `?token=`. */
export async function signedInPage(context: BrowserContext, partnerId: string, path = '/', user = 'alice') {
  const page = await context.newPage();
  const token = await partnerToken(partnerId, user);
  await page.goto(`${baseUrl}${path}?token=${encodeURIComponent(token)}`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });

/**
 * Fluent UI's focus manager (Tabster) puts invisible `<i data-tabster-dummy tabindex="0"
 * aria-hidden="true">` bumpers around arrow-key groups such as a tab list; they pass focus on at
 * once and are hidden so screen readers never announce them. axe reports them as aria-hidden-focus;
 * Microsoft's Accessibility Insights suppresses exactly these nodes as a known false positive
 * (microsoft/tabster#288, accessibility-insights-web#7605), and so do we: nothing else.
 */
const tabsterBumper = (rule: string, html: string) =>
  rule === 'aria-hidden-focus' && /^<i [^>]*data-tabster-dummy=/.test(html);

/** axe-core's serious and critical violations on the page as it is now, in words. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !tabsterBumper(v.id, n.html)) }))
    .filter((v) => v.nodes.length > 0)
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}
