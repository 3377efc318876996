/** Replies shared by the lead routes: the partner view with its ETag, pages with sealed cursors. */
import type { Lead } from '../domain/lead.js';
import type { Page } from '../domain/ports.js';
import { partnerView, senderView } from '../domain/views.js';
import { config, leads } from '../shared/runtime.js';
import type { PartnerPrincipal } from './auth.js';
import { sealCursor } from './cursor.js';
import type { Reply } from './route-handler.js';

export const etagOf = (version: number) => `"${version}"`;

/**
 * The versions an If-Match header names: `undefined` for none, `'any'` for `*`, else the strong
 * ETags of its list. Weak or malformed entries name nothing, so a header of only those never matches.
 */
export function ifMatchVersions(header: string | undefined): number[] | 'any' | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return 'any';
  return header
    .split(',')
    .map((tag) => /^\s*"(\d{1,12})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}

/** If-Match for a lead: `*` asks only that the lead exists, which every action checks anyway. */
export function ifMatchVersion(header: string | undefined): number[] | undefined {
  const versions = ifMatchVersions(header);
  return versions === 'any' ? undefined : versions;
}

export function partnerLeadReply(lead: Lead, principal: PartnerPrincipal): Reply {
  return {
    status: 200,
    body: partnerView(lead, leads.now(), config.windows, principal.userSub),
    headers: { etag: etagOf(lead.version) },
  };
}

export async function pageReply<T>(page: Page<Lead>, view: (lead: Lead, now: Date) => T, scope: string) {
  const now = leads.now();
  return {
    status: 200,
    body: {
      items: page.items.map((lead) => view(lead, now)),
      nextCursor: page.next ? await sealCursor(page.next, scope) : null,
    },
  };
}

export const senderReply = (lead: Lead): Reply => ({ status: 200, body: senderView(lead, leads.now()) });
