/**
 * Possible duplicates (SPEC §7.4): a new lead whose customer matches an open lead of the same
 * partner received in the last 30 days, by the same email (case-insensitive), or by the same
 * company email domain and a similar company name. Free-mail domains say nothing about a company,
 * so for them only the address itself matches. Pure.
 */
import * as z from 'zod/mini';
import { normalizeKeyword } from './keywords.js';
import { pureSchema } from './schema-building.js';

export const DUPLICATE_WINDOW_DAYS = 30;

export const possibleDuplicateSchema = /* @__PURE__ */ pureSchema(() =>
  z.object({
    leadId: z.string(),
    senderId: z.string(),
    receivedAt: z.iso.datetime(),
    match: z.enum(['email', 'company']),
  }),
);
export type PossibleDuplicate = z.infer<typeof possibleDuplicateSchema>;

// Consumer mailbox providers: a shared domain there is no sign of a shared company.
const FREE_MAIL: ReadonlySet<string> = new Set(
  `gmail.com googlemail.com outlook.com hotmail.com hotmail.it hotmail.fr hotmail.de hotmail.es hotmail.co.uk
  live.com live.it live.fr msn.com yahoo.com yahoo.it yahoo.fr yahoo.de yahoo.es yahoo.co.uk ymail.com
  icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de gmx.net gmx.at web.de
  t-online.de mail.com mail.ru yandex.com yandex.ru zoho.com libero.it virgilio.it tiscali.it alice.it
  tin.it email.it orange.fr wanadoo.fr free.fr laposte.net sfr.fr qq.com 163.com 126.com naver.com
  seznam.cz wp.pl o2.pl interia.pl fastmail.com hey.com tutanota.com`.split(/\s+/),
);

export const isFreeMail = (domain: string): boolean => FREE_MAIL.has(domain.toLowerCase());

/**
 * The one key a customer's possible duplicates share: the company domain of a work address, or the
 * address itself for a free-mail one. An exact email match always shares it too.
 */
export function customerMatchKey(email: string): { kind: 'email' | 'domain'; value: string } {
  const address = email.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return isFreeMail(domain) ? { kind: 'email', value: address } : { kind: 'domain', value: domain };
}

// Legal forms and filler words that do not tell two companies apart.
const LEGAL_WORDS: ReadonlySet<string> = new Set(
  `ltd limited inc incorporated llc llp plc corp corporation co company group holding holdings
  srl s r l spa s p a sas sa sarl gmbh ag kg bv nv oy ab as aps pty the`.split(/\s+/),
);

/** A company name reduced to the words that identify it. */
export function companyWords(name: string): string[] {
  return normalizeKeyword(name)
    .replace(/&/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !LEGAL_WORDS.has(w));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Whether two company names likely name the same company: the same identifying words once case,
 * accents, punctuation and legal forms are dropped, or nearly (one typo in ten letters), or one
 * name's words all within the other's ("Fabrikam" and "Fabrikam Italia").
 */
export function similarCompanyNames(a: string, b: string): boolean {
  const wa = companyWords(a);
  const wb = companyWords(b);
  if (wa.length === 0 || wb.length === 0) return false;
  const ja = wa.join(' ');
  const jb = wb.join(' ');
  if (ja === jb) return true;
  // Below ten letters no typo is allowed, and equal names were answered above.
  const longest = Math.max(ja.length, jb.length);
  if (editDistance(ja, jb) <= Math.floor(longest / 10)) return true;
  // Distinct words: with word lists, "Rossi Rossi" was within "Rossi Bianchi" but not the reverse.
  const sa = new Set(wa);
  const sb = new Set(wb);
  const [shorter, longer] = sa.size <= sb.size ? [[...sa], sb] : [[...sb], sa];
  return shorter.join('').length >= 4 && shorter.every((w) => longer.has(w));
}

/** An open lead of the same partner that shares the new lead's match key (see `customerMatchKey`). */
export interface DuplicateCandidate {
  leadId: string;
  senderId: string;
  receivedAt: string;
  respondBy: string;
  stage: string;
  customer: { email: string; companyName: string };
}

/** The new customer's possible duplicates among the candidates, newest first. */
export function possibleDuplicates(
  customer: { email: string; companyName: string },
  candidates: readonly DuplicateCandidate[],
  now: Date,
): PossibleDuplicate[] {
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000).toISOString();
  const at = now.toISOString();
  const email = customer.email.trim().toLowerCase();
  const key = customerMatchKey(email);
  const found: PossibleDuplicate[] = [];
  for (const c of candidates) {
    const open = c.stage === 'accepted' || (c.stage === 'received' && c.respondBy > at);
    if (!open || c.receivedAt < since) continue;
    const theirs = c.customer.email.trim().toLowerCase();
    let match: PossibleDuplicate['match'] | undefined;
    if (theirs === email) match = 'email';
    else if (
      key.kind === 'domain' &&
      customerMatchKey(theirs).value === key.value &&
      similarCompanyNames(customer.companyName, c.customer.companyName)
    ) {
      match = 'company';
    }
    if (match) found.push({ leadId: c.leadId, senderId: c.senderId, receivedAt: c.receivedAt, match });
  }
  return found.sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : -1));
}
