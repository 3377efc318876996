/**
 * POSTs one signed event to an endpoint, safely (SPEC §9 "Safety"): the host is resolved at
 * delivery time and every address it resolves to must be public; the connection goes to the very
 * address that was checked (the check sits in the socket's own DNS lookup, so a name that changes
 * its answer between a check and a connect gains nothing); redirects are not followed (a 3xx is a
 * failed attempt); at most 10 s; the answer's body is read up to a few KiB and then dropped.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { hostOf, isLocalHttp, refusedAddress } from '../../domain/address-safety.js';

export const DELIVERY_TIMEOUT_MS = 10_000;
/** The most of an answer's body that is read (it is never stored; only the status matters). */
export const MAX_RESPONSE_BYTES = 4096;

export interface PostResult {
  statusCode: number | null;
  durationMs: number;
  /** Why there is no status, or why a status is a failure the log should explain (never a body). */
  error: string | null;
}

export interface PostOptions {
  allowLocalHttp: boolean;
  timeoutMs?: number;
  /** DNS, for the tests. */
  resolve?: typeof dnsLookup;
}

/** A refused address, as the socket reports it. */
class UnsafeAddressError extends Error {
  readonly code = 'EUNSAFEADDRESS';
}

/** A DNS lookup that answers only with public addresses, and fails for a name with any other. */
export function safeLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = list.map((a) => refusedAddress(a.address)).find((r) => r !== undefined);
      if (list.length === 0 || refused) {
        return callback(
          new UnsafeAddressError(`refused: ${hostname} resolves to ${refused ?? 'nothing'}`),
          '',
          0,
        );
      }
      if (options.all) return callback(null, list as unknown as string, 0);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** POSTs `body` with `headers`; never throws: every failure is a result with an error. */
export function postEvent(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): PostResult => ({ statusCode: null, durationMs: elapsed(), error });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve(failed('invalid URL'));
  }
  const local = options.allowLocalHttp && isLocalHttp(url);
  if (!local && url.protocol !== 'https:') return Promise.resolve(failed('refused: not https'));
  const host = hostOf(url);
  if (!local && ipaddr.isValid(host)) {
    // An address literal skips DNS, so the socket's lookup never sees it: checked here.
    const reason = refusedAddress(host);
    if (reason) return Promise.resolve(failed(`refused: ${reason}`));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'partner-referrals-webhooks/1',
        },
        ...(local ? {} : { lookup: safeLookup(options.resolve) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
        // One connection per attempt: a kept-alive socket would skip the lookup, and its check.
        agent: false,
      },
      (response) => {
        const statusCode = response.statusCode ?? null;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () =>
          finish({
            statusCode,
            durationMs: elapsed(),
            error:
              statusCode !== null && statusCode >= 300 && statusCode < 400 ? 'redirect not followed' : null,
          });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.name === 'AbortError' || error.name === 'TimeoutError'
          ? `timeout after ${options.timeoutMs ?? DELIVERY_TIMEOUT_MS} ms`
          : error instanceof UnsafeAddressError
            ? error.message
            : (error.code ?? error.name);
      finish(failed(message));
    });
    request.end(body);
  });
}
