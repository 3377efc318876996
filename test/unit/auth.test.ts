/**
 * Who the caller is, from claims as API Gateway's JWT authorizer hands them over, and from tokens
 * the local verifier accepted: ID tokens are not credentials, group names are never split on
 * commas, and a token issued in the future is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listClaim, partnerPrincipal } from '../../functions/http/auth.js';
import type { HttpProblem } from '../../functions/http/problem.js';
import { jwtAuthorizer, LOCAL_PARTNER_CLIENT, partnerClaims } from '../../local/claims.js';
import { IAT_SKEW_SECONDS, type LocalSigner, localSigner, rejectionOf } from '../../local/jwt.js';
import { apiEvent } from '../support/events.js';

/** What the handler sees for a token with these claims (flattened the way API Gateway does). */
const eventWith = (claims: Record<string, string | number | boolean | string[]>) => apiEvent({ claims });

function problemOf(act: () => unknown): HttpProblem {
  try {
    act();
  } catch (error) {
    return error as HttpProblem;
  }
  throw new Error('expected a refusal');
}

/** A Cognito ID token of a partner user: aud is the app client, token_use id, no scope. */
const idTokenClaims = () => {
  const { client_id: _client, scope: _scope, ...rest } = partnerClaims('contoso');
  return { ...rest, aud: LOCAL_PARTNER_CLIENT, token_use: 'id', email: 'alice@contoso.example' };
};

describe('partner principal', () => {
  it('accepts an access token of a referral admin', () => {
    expect(partnerPrincipal(eventWith(partnerClaims('contoso')))).toEqual({
      kind: 'partner',
      partnerId: 'contoso',
      userSub: 'contoso-user',
    });
  });

  it('refuses an ID token with 401, although it carries partner_id and the groups', () => {
    const problem = problemOf(() => partnerPrincipal(eventWith(idTokenClaims())));
    expect(problem).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(problem.message).toContain('not an access token');
  });

  it('refuses a token without token_use', () => {
    const { token_use: _use, ...claims } = partnerClaims('contoso');
    expect(problemOf(() => partnerPrincipal(eventWith(claims)))).toMatchObject({ status: 401 });
  });

  it.each([
    ['a comma-joined name', ['x,referrals-admin']],
    ['a name with the role after a comma and a bracket', ['x],[referrals-admin']],
    ['a quoted role (JSON would read it as the role)', ['"referrals-admin"']],
    ['the role in brackets', ['[referrals-admin]']],
  ])('a group named as %s grants nothing', (_, groups) => {
    const claims = { ...partnerClaims('contoso'), 'cognito:groups': groups };
    expect(problemOf(() => partnerPrincipal(eventWith(claims)))).toMatchObject({ status: 403 });
  });

  it('finds the role among several groups, as API Gateway flattens them', () => {
    const claims = { ...partnerClaims('contoso'), 'cognito:groups': ['x,y', 'referrals-admin', 'sales'] };
    expect(partnerPrincipal(eventWith(claims)).partnerId).toBe('contoso');
  });
});

describe('listClaim', () => {
  it.each([
    ['[a b]', ['a', 'b']],
    ['[x,referrals-admin]', ['x,referrals-admin']],
    ['[x,referrals-admin mpn-partner-admin]', ['x,referrals-admin', 'mpn-partner-admin']],
    ['[]', []],
    ['a b', ['a', 'b']],
  ])('%s is %j', (flattened, list) => {
    expect(listClaim(flattened)).toEqual(list);
  });

  it('keeps a real array as it is', () => {
    expect(listClaim(['x,referrals-admin'])).toEqual(['x,referrals-admin']);
  });
});

describe('local verifier', () => {
  let dir: string;
  let signer: LocalSigner;
  const audiences = [LOCAL_PARTNER_CLIENT];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-'));
    signer = await localSigner(join(dir, 'key.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Verifies like the local server and hands the result to the handler's check, like the server does. */
  async function principalOf(token: string) {
    const event = apiEvent({ claims: null });
    event.requestContext.authorizer = jwtAuthorizer(await signer.verify(token, audiences));
    return partnerPrincipal(event);
  }

  it('passes an ID token on (its aud is an accepted client, as on API Gateway) and the handler refuses it', async () => {
    const token = await signer.sign(idTokenClaims());
    await expect(principalOf(token)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('accepts an access token', async () => {
    await expect(principalOf(await signer.sign(partnerClaims('contoso')))).resolves.toMatchObject({
      partnerId: 'contoso',
    });
  });

  it('refuses a token issued a year ahead as not yet valid', async () => {
    const yearAhead = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    const token = await signer.sign({ ...partnerClaims('contoso'), iat: yearAhead }, 400 * 24 * 3600);
    const refusal = await signer.verify(token, audiences).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeDefined();
    expect(rejectionOf(refusal)).toBe('not-yet-valid');
  });

  it('tolerates a little clock skew', async () => {
    const slightlyAhead = Math.floor(Date.now() / 1000) + IAT_SKEW_SECONDS - 10;
    const token = await signer.sign({ ...partnerClaims('contoso'), iat: slightlyAhead });
    await expect(signer.verify(token, audiences)).resolves.toMatchObject({ partner_id: 'contoso' });
  });
});
