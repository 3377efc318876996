/** Replies shared by the lead routes: the partner view with its ETag, pages with sealed cursors. */
import type { Lead } from '../domain/lead.js';
import type { Page } from '../domain/ports.js';
import { partnerView, senderView } from '../domain/views.js';
import { clock, config } from '../shared/lead-composition-root.js';
import type { PartnerPrincipal } from './auth.js';
import { sealCursor } from './cursor.js';
import { etagOf } from './etag.js';
import type { Reply } from './route-handler.js';

export function partnerLeadReply(lead: Lead, principal: PartnerPrincipal): Reply {
  return {
    status: 200,
    body: partnerView(lead, clock(), config.windows, principal.userSub),
    headers: { etag: etagOf(lead.version) },
  };
}

export async function pageReply<T>(page: Page<Lead>, view: (lead: Lead, now: Date) => T, scope: string) {
  const now = clock();
  return {
    status: 200,
    body: {
      items: page.items.map((lead) => view(lead, now)),
      nextCursor: page.next ? await sealCursor(page.next, scope) : null,
    },
  };
}

export const senderReply = (lead: Lead): Reply => ({ status: 200, body: senderView(lead, clock()) });
