/**
 * Fair use (SPEC §11): each sender and each partner may make at most `limit` requests per fixed
 * window, so one noisy client meets 429s long before it exhausts the stage's shared throttle.
 * Pure arithmetic here; a counter per client and window lives in storage (one conditional
 * increment per request).
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
