/**
 * RFC 9457 problem details. Every error the API returns is one of these, with a stable `code`.
 */
import * as z from 'zod/mini';
import { DomainError, InvalidInputError } from '../domain/errors.js';
import { pureSchema, withMeta } from '../domain/schema-building.js';
import type { JsonErrorAt } from './json-error.js';

export const PROBLEM_BASE = 'https://partner-referrals.dev/problems/';

export const problemSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.object({
      type: z.string(),
      title: z.string(),
      status: z.number().check(z.int()),
      code: withMeta(z.string(), { description: 'Stable, machine-readable error code.' }),
      detail: z.optional(z.string()),
      instance: z.optional(z.string()),
      errors: withMeta(z.optional(z.array(z.object({ path: z.string(), message: z.string() }))), {
        description: 'Validation failures, one per offending field.',
      }),
    }),
    { id: 'Problem', description: 'RFC 9457 problem details.' },
  ),
);
export type Problem = z.infer<typeof problemSchema>;

/** An error of the HTTP surface itself (auth, content type, size, validation), as opposed to the domain's. */
export class HttpProblem extends DomainError {
  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    readonly errors?: Array<{ path: string; message: string }>,
    /** Response headers that belong to the problem (`WWW-Authenticate`, `Allow`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(status, code, title, detail);
  }
}

/** The realm of every bearer challenge (RFC 6750 §3). */
export const AUTH_REALM = 'partner-referrals';

/**
 * Why a bearer token was refused: all a 401 says about it. `missing` is a request with no bearer
 * token at all (no Authorization header, or another scheme), which RFC 6750 §3.1 answers with a
 * plain challenge; the others are `invalid_token` with this reason.
 */
export type TokenRejection =
  | 'missing'
  | 'malformed-header'
  | 'malformed'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'not-an-access-token'
  | 'not-accepted';

/** Each reason in a sentence: the `error_description` and the problem's `detail` (no `"` or `\`). */
export const tokenRejections: Record<Exclude<TokenRejection, 'missing'>, string> = {
  'malformed-header': 'The Authorization header is not of the form Bearer <token>.',
  malformed: 'The bearer token is not a well-formed JWT.',
  'bad-signature': 'The token signature does not verify.',
  expired: 'The token has expired.',
  'not-yet-valid': 'The token is not valid yet.',
  'not-an-access-token':
    'The token is not an access token (its token_use is not access): call the API with the access token, not the ID token.',
  'not-accepted': 'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
};

function unauthorized(reason: TokenRejection = 'missing'): HttpProblem {
  if (reason === 'missing') {
    return new HttpProblem(
      401,
      'unauthorized',
      'Unauthorized',
      'A bearer token is required: send Authorization: Bearer <token>.',
      undefined,
      { 'www-authenticate': `Bearer realm="${AUTH_REALM}"` },
    );
  }
  const description = tokenRejections[reason];
  return new HttpProblem(401, 'unauthorized', 'Unauthorized', description, undefined, {
    'www-authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${description}"`,
  });
}

/** Where a body stopped being JSON, in words: a position, never the text around it. */
function malformedJsonDetail(at: JsonErrorAt | undefined): string {
  if (!at) return 'The body is not valid JSON.';
  const where = `line ${at.line}, column ${at.column}`;
  return at.atEnd
    ? `The body is not valid JSON: it ends at ${where} before the JSON is complete.`
    : `The body is not valid JSON: parsing failed at ${where} (character ${at.offset + 1}).`;
}

export const problems = {
  unauthorized,
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail),
  senderNotRegistered: () =>
    new HttpProblem(
      403,
      'sender-not-registered',
      'Forbidden',
      'This client is not a registered sender. An operator registers senders with npm run sender -- register (locally too; npm start registers the ones in local/senders.ts).',
    ),
  notFound: () =>
    new HttpProblem(
      404,
      'not-found',
      'Not found',
      'No route has this path. The API is described at /openapi.json.',
    ),
  methodNotAllowed: (allowed: string[]) =>
    new HttpProblem(
      405,
      'method-not-allowed',
      'Method not allowed',
      `This path takes ${allowed.join(', ')}. The API is described at /openapi.json.`,
      undefined,
      { allow: allowed.join(', ') },
    ),
  malformedJson: (at?: JsonErrorAt) =>
    new HttpProblem(400, 'malformed-json', 'Malformed JSON', malformedJsonDetail(at)),
  validation: (errors: Array<{ path: string; message: string }>) =>
    new HttpProblem(
      400,
      'validation-failed',
      'Validation failed',
      'The request does not match the schema.',
      errors,
    ),
  invalidCursor: () =>
    new HttpProblem(
      400,
      'invalid-cursor',
      'Invalid cursor',
      'The cursor is not one this API issued for this list.',
    ),
  tooLarge: (max: number) =>
    new HttpProblem(413, 'payload-too-large', 'Payload too large', `The body must not exceed ${max} bytes.`),
  tooManyRequests: (retryAfterSeconds: number, limit: number) =>
    new HttpProblem(
      429,
      'too-many-requests',
      'Too many requests',
      `This client has made its ${limit} requests of the current window; retry after ${retryAfterSeconds} s.`,
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  unsupportedMediaType: () =>
    new HttpProblem(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the body as application/json.',
    ),
};

export function problemResponse(problem: Problem, headers: Record<string, string> = {}) {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

/** The problem+json response of an error, with the headers the problem carries. */
export const errorResponse = (error: DomainError) =>
  problemResponse(toProblem(error), error instanceof HttpProblem ? error.headers : {});

export function toProblem(error: DomainError): Problem {
  return {
    type: `${PROBLEM_BASE}${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.message && error.message !== error.title ? { detail: error.message } : {}),
    ...((error instanceof HttpProblem || error instanceof InvalidInputError) && error.errors
      ? { errors: error.errors }
      : {}),
  };
}

/**
 * zod issues as `{ path, message }` pairs, paths dotted (`customer.email`). zod reports unknown
 * keys once, at the object that holds them: each becomes its own error at the key itself.
 */
export const issuesOf = (error: z.core.$ZodError, prefix = '') =>
  error.issues.flatMap((issue) => {
    const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown field' }));
    }
    return [{ path: at(issue.path), message: issue.message }];
  });
