/**
 * Fair use (SPEC §11): each sender and each partner may make at most `limit` requests per fixed
 * window, so one noisy client meets 429s long before it exhausts the stage's shared throttle.
 * Pure arithmetic here; a counter per client and window lives in storage, and each container
 * takes requests from it in small leases (`FairUseLeases`) so that most requests cost no write.
 *
 * A fixed window, not a token bucket: a bucket needs its level and its last refill read and
 * written together (a read-modify-write, or a conditional write that fails under contention and
 * must be retried), while a window is one blind, conditional ADD. The price is that a client may
 * spend its whole limit at the end of one window and again at the start of the next: at most twice
 * the limit in any span of one window, which the stage throttle still bounds.
 */
import { durationMs } from './duration.js';

/** Who a limit applies to: a sender (all its OAuth clients together) or a partner (all its users). */
export interface FairUseClient {
  kind: 'sender' | 'partner';
  id: string;
}

export interface FairUseLimits {
  /** The window's length in milliseconds. */
  windowMs: number;
  /** Requests per window for each kind of client; 0 turns the limit off for that kind. */
  perWindow: Record<FairUseClient['kind'], number>;
  /** Limits for named clients (`sender:<id>` or `partner:<id>`), above or below their kind's. */
  overrides: ReadonlyMap<string, number>;
}

/** The window a moment falls in, and how long until it ends. */
export interface Window {
  /** The window's start, epoch milliseconds: the counter's name. */
  start: number;
  /** When the window ends, epoch milliseconds. */
  end: number;
}

export const clientName = (client: FairUseClient) => `${client.kind}:${client.id}`;

/** The fixed window `now` falls in; windows are aligned on the epoch, so every process agrees. */
export function windowAt(nowMs: number, windowMs: number): Window {
  const start = Math.floor(nowMs / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** The limit of one client; undefined when it has none. */
export function limitOf(client: FairUseClient, limits: FairUseLimits): number | undefined {
  const limit = limits.overrides.get(clientName(client)) ?? limits.perWindow[client.kind];
  return limit > 0 ? limit : undefined;
}

/** Whole seconds until the window ends (at least 1): the `Retry-After` of a refused request. */
export const retryAfterSeconds = (window: Window, nowMs: number): number =>
  Math.max(1, Math.ceil((window.end - nowMs) / 1000));

const count = (text: string, what: string): number => {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${what} must be a whole number, 0 or more; got "${text}"`);
  return n;
};

/**
 * Limits from their settings: the window (ISO 8601), each kind's limit per window, and overrides
 * as `sender:<id>=<n>,partner:<id>=<n>`. Throws on anything malformed (read at cold start).
 */
export function parseFairUseLimits(settings: {
  window: string;
  sender: string;
  partner: string;
  overrides: string;
}): FairUseLimits {
  const overrides = new Map<string, number>();
  for (const entry of settings.overrides
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^(sender|partner):([a-z0-9-]{2,64})=(.+)$/.exec(entry);
    if (!match) throw new Error(`a fair-use override is sender:<id>=<n> or partner:<id>=<n>; got "${entry}"`);
    overrides.set(`${match[1]}:${match[2]}`, count(match[3]!, `the override of ${match[1]}:${match[2]}`));
  }
  return {
    windowMs: durationMs(settings.window),
    perWindow: {
      sender: count(settings.sender, 'the sender limit'),
      partner: count(settings.partner, 'the partner limit'),
    },
    overrides,
  };
}

/** Counts requests: true when this one fits in its client's window, false when the window is full. */
export interface FairUseCounter {
  admit(client: FairUseClient, window: Window, limit: number): Promise<boolean>;
}

/**
 * The shared count of a client's window: `reserve` adds `units` to it if the sum stays within
 * `limit` (true), and changes nothing otherwise (false). One conditional write.
 */
export interface FairUseReserver {
  reserve(client: FairUseClient, window: Window, units: number, limit: number): Promise<boolean>;
}

/** The most requests a lease holds, whatever the limit. */
export const MAX_LEASE = 20;

/**
 * How many requests a container reserves at once: 2% of the limit, at least 1 and at most
 * `MAX_LEASE`. Small, because what an idle container holds is lost to its client for the rest of
 * the window; a limit under 100 leases one request at a time, so it stays exact.
 */
export const leaseSize = (limit: number): number =>
  Math.min(MAX_LEASE, Math.max(1, Math.floor(limit / 50)), limit);

/** What one container holds of one client's window. */
export interface Lease {
  /** The window's start: a lease dies with its window. */
  window: number;
  /** Requests reserved and not yet served. */
  left: number;
  /** A whole lease was refused: fewer than its size remain, so reserve one at a time. */
  edge: boolean;
  /** Even one was refused: the window is full, refuse without asking until it ends. */
  full: boolean;
}

/** What to do with the next request, given the container's lease of its window. */
export type LeaseStep = { kind: 'serve' } | { kind: 'refuse' } | { kind: 'reserve'; units: number };

export const freshLease = (window: Window): Lease => ({
  window: window.start,
  left: 0,
  edge: false,
  full: false,
});

/** The next request's step: served from the lease, refused (window full), or a reservation first. */
export function nextStep(lease: Lease, limit: number): LeaseStep {
  if (lease.left > 0) return { kind: 'serve' };
  if (lease.full) return { kind: 'refuse' };
  return { kind: 'reserve', units: lease.edge ? 1 : leaseSize(limit) };
}

/** The lease after a reservation of `units`: granted (one of them serves the request) or refused. */
export function afterReservation(lease: Lease, units: number, granted: boolean): Lease {
  if (granted) return { ...lease, left: lease.left + units - 1 };
  return units === 1 ? { ...lease, full: true } : { ...lease, edge: true };
}

/** A lease served one request. */
export const served = (lease: Lease): Lease => ({ ...lease, left: lease.left - 1 });

/** Leases kept before those of past windows are dropped (a long-lived local server meets many clients). */
const PRUNE_AT = 10_000;

/**
 * Fair use per container: reserves a lease of `leaseSize(limit)` requests from the shared count in
 * one conditional write, and serves the next requests of that client and window from memory.
 * Never more than `limit` in a window across all containers (every request served was reserved,
 * and the shared count never passes the limit); all of it to one container (near the limit it
 * reserves one at a time). Concurrent requests of one client in one process each reserve their own
 * lease if none is left; the spare units join the lease.
 */
export class FairUseLeases implements FairUseCounter {
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly reserver: FairUseReserver) {}

  async admit(client: FairUseClient, window: Window, limit: number): Promise<boolean> {
    let lease = this.leaseOf(client, window);
    for (;;) {
      const step = nextStep(lease, limit);
      if (step.kind === 'serve') {
        this.update(client, window, served);
        return true;
      }
      if (step.kind === 'refuse') return false;
      const granted = await this.reserver.reserve(client, window, step.units, limit);
      // Applied to the lease as it is now: other requests may have changed it while this one waited.
      lease = this.update(client, window, (l) => afterReservation(l, step.units, granted));
      if (granted) return true;
    }
  }

  /** Requests this container holds for a client's window and has not served (0 for any other window). */
  unspent(client: FairUseClient, window: Window): number {
    return this.leaseOf(client, window).left;
  }

  /** Forgets every lease (tests; the units held are lost to their clients until the window ends). */
  clear(): void {
    this.leases.clear();
  }

  private leaseOf(client: FairUseClient, window: Window): Lease {
    const lease = this.leases.get(clientName(client));
    return lease?.window === window.start ? lease : freshLease(window);
  }

  private update(client: FairUseClient, window: Window, change: (lease: Lease) => Lease): Lease {
    const key = clientName(client);
    const held = this.leases.get(key);
    const next = change(this.leaseOf(client, window));
    // A request still in an ended window must not replace the lease of the window after it.
    if (held && held.window > window.start) return next;
    if (!held && this.leases.size >= PRUNE_AT) this.prune(window);
    this.leases.set(key, next);
    return next;
  }

  private prune(window: Window): void {
    for (const [key, lease] of this.leases) if (lease.window < window.start) this.leases.delete(key);
  }
}

/** The verdict on one request. */
export type FairUseVerdict =
  | { admitted: true }
  | { admitted: false; retryAfterSeconds: number; limit: number };

/** Decides on one request of a client: counted against its window, unless it has no limit. */
export async function checkFairUse(
  client: FairUseClient,
  limits: FairUseLimits,
  counter: FairUseCounter,
  nowMs: number,
): Promise<FairUseVerdict> {
  const limit = limitOf(client, limits);
  if (limit === undefined) return { admitted: true };
  const window = windowAt(nowMs, limits.windowMs);
  if (await counter.admit(client, window, limit)) return { admitted: true };
  return { admitted: false, retryAfterSeconds: retryAfterSeconds(window, nowMs), limit };
}
