/**
 * The console's security headers, one definition for both places that serve it: the local runtime
 * (`npm start`) and the CloudFront response headers policy. Scripts and styles come only from the
 * console's own origin; the API and the sign-in endpoints are the only other places it may call.
 */
export interface ConsolePolicy {
  /** Origins the console calls besides its own (the API, Cognito's token and discovery endpoints). */
  connect: string[];
  /** Deployed over HTTPS: ask browsers to upgrade any stray http:// request. */
  https: boolean;
}

/** CSP hash of the empty string (base64 SHA-256 of ''). */
export const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

export function contentSecurityPolicy(policy: ConsolePolicy): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    // Fluent UI (Griffel) inserts empty <style> elements and fills them through the CSSOM, which CSP
    // does not govern. The hash is the empty string's: empty style elements may exist, and no inline
    // style text at all ('unsafe-inline' is not needed).
    `style-src 'self' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...policy.connect].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(policy.https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** Headers besides the CSP (and, deployed, HSTS), the same locally and on CloudFront. */
export const otherSecurityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The hosted UI sends the browser back with ?code=...: no referrer may carry it anywhere.
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
} as const;
