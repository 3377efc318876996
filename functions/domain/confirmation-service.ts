/**
 * The use cases of contact confirmation (SPEC §6 "Only confirmed recipients"): a saved profile
 * sends a confirmation link to each new alert address (at most once a period per address), the
 * link confirms it, and the profile shows each address's status.
 */
import {
  type ConfirmationRules,
  type ContactRecord,
  type ContactRegistry,
  confirmationsDue,
  normalizeAddress,
  profileAddresses,
  statusOf,
} from './contacts.js';
import type { EmailQueue } from './email-message.js';
import { ConfirmationLinkInvalidError } from './errors.js';
import type { EmailContent } from './notification-service.js';
import { type Profile, type ProfileView, withContactStatus } from './profile.js';

export interface ConfirmationEmailView {
  partnerId: string;
  link: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
}

export interface ConfirmationDeps {
  registry: ContactRegistry;
  queue: EmailQueue;
  render: (view: ConfirmationEmailView) => EmailContent;
  /** The public confirmation URL of a token. */
  linkFor: (token: string) => string;
  rules: ConfirmationRules;
  clock: () => Date;
  /** An unguessable token (at least 128 random bits). */
  newToken: () => string;
  newRequestId: () => string;
}

/** At most this many confirmation requests are written at once. */
const WIDTH = 10;

export class ConfirmationService {
  constructor(private readonly deps: ConfirmationDeps) {}

  /** Sends the confirmation links a saved profile calls for; how many went to the queue. */
  async requestDue(profile: Pick<Profile, 'partnerId' | 'locations'>): Promise<number> {
    const { registry } = this.deps;
    const addresses = profileAddresses(profile);
    if (addresses.length === 0) return 0;
    const [records, suppressed] = await Promise.all([
      registry.records(profile.partnerId),
      registry.suppressed(addresses),
    ]);
    const due = confirmationsDue(addresses, records, suppressed, this.deps.clock(), this.deps.rules);
    let queued = 0;
    // Stryker disable next-line EqualityOperator: equivalent; one more, empty, slice queues nothing
    for (let i = 0; i < due.length; i += WIDTH) {
      const done = await Promise.all(
        due
          .slice(i, i + WIDTH)
          .map((address) => this.request(profile.partnerId, address, records.get(address))),
      );
      queued += done.filter(Boolean).length;
    }
    return queued;
  }

  private async request(partnerId: string, address: string, previous: ContactRecord | undefined) {
    const { registry, queue, rules } = this.deps;
    const now = this.deps.clock();
    const token = this.deps.newToken();
    const requestId = this.deps.newRequestId();
    const expiresAt = new Date(now.getTime() + rules.tokenTtlMs);
    const started = await registry.request(
      { partnerId, address, requestId, token, requestedAt: now, expiresAt },
      previous,
    );
    // Someone else (the same stream record, delivered twice) started a request first: theirs goes out.
    if (!started) return false;
    await queue.enqueue({
      version: 1,
      key: { type: 'confirmation', partnerId, requestId },
      to: [address],
      ...this.deps.render({ partnerId, link: this.deps.linkFor(token), expiresAt: expiresAt.toISOString() }),
      tags: { notification: 'contact-confirmation' },
      queuedAt: now.toISOString(),
    });
    await registry.markQueued(partnerId, address, requestId, now);
    return true;
  }
}

/** Confirms the address a link was sent to. */
export async function confirmAddress(
  registry: Pick<ContactRegistry, 'confirm'>,
  token: string,
  now: Date,
): Promise<{ partnerId: string; address: string }> {
  const confirmed = await registry.confirm(token, now);
  if (!confirmed) throw new ConfirmationLinkInvalidError();
  return confirmed;
}

/** The profile with each contact's status: one Query and one BatchGet, whatever the profile holds. */
export async function profileView(
  registry: Pick<ContactRegistry, 'records' | 'suppressed'>,
  profile: Profile,
): Promise<ProfileView> {
  const addresses = profileAddresses(profile);
  if (addresses.length === 0) return withContactStatus(profile, () => 'pending');
  const [records, suppressed] = await Promise.all([
    registry.records(profile.partnerId),
    registry.suppressed(addresses),
  ]);
  return withContactStatus(profile, (address) =>
    statusOf(address, records.get(normalizeAddress(address)), suppressed),
  );
}
