/**
 * RFC 9457 problem details. Every error the API returns is one of these, with a stable `code`.
 */
import * as z from 'zod';
import { DomainError } from '../domain/errors.js';

export const PROBLEM_BASE = 'https://partner-referrals.dev/problems/';

export const problemSchema = /* @__PURE__ */ z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable, machine-readable error code.' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Validation failures, one per offending field.' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;

/** An error of the HTTP surface itself (auth, content type, size, validation), as opposed to the domain's. */
export class HttpProblem extends DomainError {
  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    readonly errors?: Array<{ path: string; message: string }>,
  ) {
    super(status, code, title, detail);
  }
}

export const problems = {
  unauthorized: () =>
    new HttpProblem(401, 'unauthorized', 'Unauthorized', 'A valid bearer token is required.'),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail),
  senderNotRegistered: () =>
    new HttpProblem(403, 'sender-not-registered', 'Forbidden', 'This client is not a registered sender.'),
  notFound: () => new HttpProblem(404, 'not-found', 'Not found'),
  methodNotAllowed: () => new HttpProblem(405, 'method-not-allowed', 'Method not allowed'),
  malformedJson: () =>
    new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'The body is not valid JSON.'),
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

export function toProblem(error: DomainError): Problem {
  return {
    type: `${PROBLEM_BASE}${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.message && error.message !== error.title ? { detail: error.message } : {}),
    ...(error instanceof HttpProblem && error.errors ? { errors: error.errors } : {}),
  };
}

/** zod issues as `{ path, message }` pairs, paths dotted (`customer.email`). */
export const issuesOf = (error: z.ZodError, prefix = '') =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
