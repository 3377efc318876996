/** Replies shared by the lead routes: the partner view with its ETag, pages with sealed cursors. */
import type { Lead } from '../domain/lead.js';
import type { Page } from '../domain/ports.js';
import { partnerView, senderView } from '../domain/views.js';
import { config, leads } from '../shared/runtime.js';
import type { PartnerPrincipal } from './auth.js';
import { sealCursor } from './cursor.js';
import type { Reply } from './route-handler.js';

export const etagOf = (version: number) => `"${version}"`;

/** The version an If-Match header names; `undefined` for none or `*`. A header that names no version can never match. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,12})"\s*$/.exec(header);
  return match ? Number(match[1]) : -1;
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
