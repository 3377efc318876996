/**
 * The local sign-in of the console: `POST /local/sign-in` with a partner, a role and a user answers
 * a token signed by the local key, as `npm run token` prints one. Only the local runtime serves
 * it (the deployed stack has no such route and never trusts the local key). It takes JSON only, so
 * another site cannot post to it without a CORS preflight, which this server never grants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { slugSchema } from '../functions/domain/lead.js';
import { issuesOf, problemResponse, problems, toProblem } from '../functions/http/problem.js';
import { partnerClaims } from './claims.js';
import type { LocalSigner } from './jwt.js';

export const SIGN_IN_PATH = '/local/sign-in';
const MAX_BODY = 4096;
const TOKEN_SECONDS = 8 * 3600;

const signInBody = z.strictObject({
  partnerId: slugSchema,
  // Any group: one that is not a referral role meets the API's 403, as a real user of it would.
  role: slugSchema,
  user: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits or . _ @ -'),
});

function reply(response: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  response.writeHead(status, { ...headers, 'cache-control': 'no-store' });
  response.end(body);
}

async function readSmallBody(request: IncomingMessage): Promise<string | undefined> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > MAX_BODY) return undefined;
  }
  return text;
}

/** Answers `POST /local/sign-in`; returns false for any other request. */
export async function localSignIn(
  signer: LocalSigner,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname !== SIGN_IN_PATH) return false;
  const fail = (error: ReturnType<typeof problems.malformedJson>) => {
    const result = problemResponse(toProblem(error));
    reply(response, result.statusCode, result.headers, result.body);
    return true;
  };
  if (request.method !== 'POST') {
    const result = problemResponse(toProblem(problems.methodNotAllowed(['POST'])), { allow: 'POST' });
    reply(response, result.statusCode, result.headers, result.body);
    return true;
  }
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
    return fail(problems.unsupportedMediaType());
  const text = await readSmallBody(request);
  if (text === undefined) return fail(problems.tooLarge(MAX_BODY));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(problems.malformedJson());
  }
  const parsed = signInBody.safeParse(json);
  if (!parsed.success) return fail(problems.validation(issuesOf(parsed.error)));
  const { partnerId, role, user } = parsed.data;
  const token = await signer.sign(
    partnerClaims(partnerId, { role, ...(user ? { user } : {}) }),
    TOKEN_SECONDS,
  );
  reply(
    response,
    200,
    { 'content-type': 'application/json' },
    JSON.stringify({ token, expiresIn: TOKEN_SECONDS }),
  );
  return true;
}
