import { parse, toSeconds } from 'iso8601-duration';

/** Milliseconds in an ISO 8601 duration such as `P14D` or `PT72H`; throws on anything else. */
export function durationMs(iso: string): number {
  const ms = toSeconds(parse(iso)) * 1000;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`not a positive ISO 8601 duration: ${iso}`);
  return ms;
}
