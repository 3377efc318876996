/**
 * Only confirmed recipients (SPEC §6): a profile contact receives alerts and reminders only once
 * it has confirmed its address through an emailed link, and never while the address is suppressed
 * (it hard-bounced or complained). Pure rules; storage and tokens live in the adapters.
 */
import * as z from 'zod/mini';
import type { Profile } from './profile.js';
import { pureSchema, withMeta } from './schema-building.js';

export const contactStatuses = ['pending', 'confirmed', 'suppressed'] as const;
export const contactStatusSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(z.enum(contactStatuses), {
    description:
      'pending until the address confirms the emailed link; suppressed after a hard bounce or complaint.',
  }),
);
export type ContactStatus = z.infer<typeof contactStatusSchema>;

/** What the platform knows of one alert address of one partner. */
export interface ContactRecord {
  address: string;
  status: 'pending' | 'confirmed';
  /** The confirmation request whose token is valid now (pending only). */
  requestId?: string;
  requestedAt?: string;
  /** When its email reached the queue; absent if the request died before that. */
  queuedAt?: string;
  confirmedAt?: string;
}

export interface ConfirmationRules {
  /** How long a confirmation link works (CONFIRMATION_TTL, P7D). */
  tokenTtlMs: number;
  /** An address is sent a confirmation at most once per this period per partner (CONFIRMATION_RESEND_AFTER, P1D). */
  resendAfterMs: number;
}

export const normalizeAddress = (address: string) => address.trim().toLowerCase();

/** Every alert address of a profile, once each, normalized. */
export const profileAddresses = (profile: Pick<Profile, 'locations'> | undefined): string[] => [
  ...new Set((profile?.locations ?? []).flatMap((l) => l.contacts.map((c) => normalizeAddress(c.email)))),
];

/** The status a profile shows for an address. */
export function statusOf(
  address: string,
  record: ContactRecord | undefined,
  suppressed: ReadonlySet<string>,
): ContactStatus {
  if (suppressed.has(normalizeAddress(address))) return 'suppressed';
  return record?.status === 'confirmed' ? 'confirmed' : 'pending';
}

/**
 * The addresses a saved profile should send a confirmation link to now: those never asked, those
 * whose last request died before its email was queued, and those still pending whose last email
 * went out at least `resendAfterMs` ago. Never a confirmed or suppressed address: a partner that
 * saves the same 250 strangers again and again mails each of them at most once a period.
 */
export function confirmationsDue(
  addresses: readonly string[],
  records: ReadonlyMap<string, ContactRecord>,
  suppressed: ReadonlySet<string>,
  now: Date,
  rules: ConfirmationRules,
): string[] {
  return addresses.filter((address) => {
    if (suppressed.has(address)) return false;
    const record = records.get(address);
    if (!record) return true;
    if (record.status === 'confirmed') return false;
    if (!record.queuedAt) return true;
    return Date.parse(record.queuedAt) + rules.resendAfterMs <= now.getTime();
  });
}

/** The profile's addresses that may receive alerts: confirmed and not suppressed. */
export function confirmedRecipients(
  profile: Pick<Profile, 'locations'> | undefined,
  records: ReadonlyMap<string, ContactRecord>,
  suppressed: ReadonlySet<string>,
): string[] {
  return profileAddresses(profile).filter(
    (address) => statusOf(address, records.get(address), suppressed) === 'confirmed',
  );
}

export interface ConfirmationRequest {
  partnerId: string;
  address: string;
  /** One per token: the key of the confirmation email's exactly-once marker. */
  requestId: string;
  /** The raw token of the link; storage keeps only a hash of it. */
  token: string;
  requestedAt: Date;
  expiresAt: Date;
}

export type Suppression = { reason: 'bounce' | 'complaint'; at: string };

/** What the confirmation rules need from storage. */
export interface ContactRegistry {
  records(partnerId: string): Promise<Map<string, ContactRecord>>;
  /** Starts a request if the contact is still as `previous` left it; false when another got there first. */
  request(request: ConfirmationRequest, previous: ContactRecord | undefined): Promise<boolean>;
  markQueued(partnerId: string, address: string, requestId: string, at: Date): Promise<void>;
  /** Confirms the address of a valid, unexpired, unused token; `undefined` otherwise. */
  confirm(token: string, now: Date): Promise<{ partnerId: string; address: string } | undefined>;
  suppress(address: string, suppression: Suppression): Promise<void>;
  suppressed(addresses: readonly string[]): Promise<Set<string>>;
}
