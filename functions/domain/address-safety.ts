/**
 * Which webhook endpoints the platform may POST to (SPEC §9 "Safety"): https only, and only to
 * public unicast addresses, never to the platform's own network, the instance metadata service or
 * an address in disguise (IPv4-mapped, IPv4-compatible, NAT64, 6to4 and Teredo IPv6 forms all carry
 * an IPv4 address that could be private). ipaddr.js names every special-purpose range; anything it
 * does not call plain `unicast` is refused.
 */
import ipaddr from 'ipaddr.js';
import { UnsafeUrlError } from './webhooks.js';

/** Why an address is refused, or `undefined` when it is a public unicast address. */
export function refusedAddress(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // parse, not process: an IPv4-mapped IPv6 address stays IPv6 and is refused as such.
    parsed = ipaddr.parse(address);
  } catch {
    return `${address} is not an IP address`;
  }
  // ipaddr.js names IPv4-mapped and -compatible (ipv4Mapped), NAT64 (rfc6052, including the
  // local-use 64:ff9b:1::/48), 6to4, Teredo, CGNAT, link-local (the metadata service) and the rest.
  const range = parsed.range();
  if (range !== 'unicast') return `${address} is in a ${range} range, not a public address`;
  return undefined;
}

export interface EndpointRules {
  /** The local runtime alone also allows `http://127.0.0.1:<port>`. */
  allowLocalHttp: boolean;
}

/** Whether `url` names the local runtime's own loopback endpoint, allowed there alone. */
export const isLocalHttp = (url: URL): boolean =>
  url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '';

/** The hostname without IPv6 brackets. */
// Stryker disable next-line Regex: equivalent; a URL's hostname holds brackets only around a whole IPv6 literal, so either anchor alone matches the same
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Checks an endpoint at registration: https (or the local exception), no credentials, and a host
 * that is not an unsafe address literal or a name for the machine itself. Names are resolved, and
 * checked again, at every delivery.
 */
export function checkEndpoint(raw: string, rules: EndpointRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('The URL is not valid.');
  }
  if (rules.allowLocalHttp && isLocalHttp(url)) return url;
  if (url.protocol !== 'https:') throw new UnsafeUrlError('Only https URLs are allowed.');
  if (url.username || url.password) throw new UnsafeUrlError('The URL must not carry credentials.');
  const host = hostOf(url).toLowerCase();
  if (ipaddr.isValid(host)) {
    const reason = refusedAddress(host);
    if (reason) throw new UnsafeUrlError(`The URL names an address that is not public: ${reason}.`);
    return url;
  }
  // A name without a dot (localhost among them) is resolved by the machine's own search rules.
  if (host.endsWith('.localhost') || !host.includes('.'))
    throw new UnsafeUrlError('The URL must name a public host.');
  return url;
}
