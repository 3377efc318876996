/**
 * Who may do what (SPEC §2): another partner's lead is 404 whatever the route, roles and scopes
 * are checked, senders only see what they sent and never the partner's private fields, and only
 * a valid token signed by the trusted key gets in at all.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { tokenRejections } from '../../functions/http/problem.js';
import {
  acceptBody,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  LOCAL_ISSUER,
  leadBody,
  partner,
  partnerClaims,
  post,
  type Reply,
  sender,
  senderClaims,
  signRaw,
  uniquePartner,
} from './helpers.js';

const partnerRoutes = (id: string): Array<[string, string, unknown?]> => [
  ['GET', `/v1/leads/${id}`],
  ['POST', `/v1/leads/${id}/accept`, acceptBody()],
  ['POST', `/v1/leads/${id}/decline`, { reason: 'no-capacity' }],
  ['PATCH', `/v1/leads/${id}`, { deal: { notes: 'x' } }],
  ['POST', `/v1/leads/${id}/contacts`, { contacts: [{ name: 'A', email: 'a@b.example' }] }],
  ['POST', `/v1/leads/${id}/won`, {}],
  ['POST', `/v1/leads/${id}/lost`, {}],
  ['PUT', `/v1/leads/${id}/favorite`],
  ['DELETE', `/v1/leads/${id}/favorite`],
  ['GET', `/v1/leads/${id}/history`],
  ['GET', '/v1/leads'],
];

async function each(
  token: string,
  routes: Array<[string, string, unknown?]>,
): Promise<Array<[string, Reply]>> {
  return Promise.all(
    routes.map(async ([method, path, body]) => {
      const reply = await call(method, path, { token, ...(body === undefined ? {} : { body }) });
      return [`${method} ${path}`, reply] as [string, Reply];
    }),
  );
}

describe("another partner's lead", () => {
  it.each([
    ['received', false],
    ['accepted', true],
  ])('answers 404 on every lead route while %s, and changes nothing', async (_stage, accept) => {
    const owner = uniquePartner();
    const id = await createLead(owner);
    const ownerToken = await partner(owner);
    if (accept)
      expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token: ownerToken })).status).toBe(200);
    const intruder = await partner(uniquePartner());
    const routes = partnerRoutes(id).filter(([, path]) => path !== '/v1/leads');
    for (const [name, reply] of await each(intruder, routes)) {
      expect([name, reply.status]).toEqual([name, 404]);
      expectProblem(reply, 404);
      expect(reply.text).not.toContain(owner);
    }
    const intruderList = await get<{ items: unknown[] }>('/v1/leads', { token: intruder });
    expect(intruderList.body.items).toEqual([]);
    const read = await get<JsonObject>(`/v1/leads/${id}`, { token: ownerToken });
    expect(read.body.version).toBe(accept ? 2 : 1);
    expect(read.body.favorite).toBe(false);
  });

  it('a correct If-Match does not reveal a foreign lead: still 404, not 412 or 200', async () => {
    const owner = uniquePartner();
    const id = await createLead(owner);
    const intruder = await partner(uniquePartner());
    for (const etag of ['"1"', '"2"', '*']) {
      const reply = await post(`/v1/leads/${id}/accept`, acceptBody(), {
        token: intruder,
        headers: { 'if-match': etag },
      });
      expectProblem(reply, 404);
    }
  });

  it('an unknown lead id answers the same 404 as a foreign one', async () => {
    const token = await partner(uniquePartner());
    const reply = await get('/v1/leads/01ZZZZZZZZZZZZZZZZZZZZZZZZ', { token });
    expectProblem(reply, 404, 'lead-not-found');
    const owner = uniquePartner();
    const foreign = await get(`/v1/leads/${await createLead(owner)}`, { token });
    expect(foreign.body).toEqual(reply.body);
  });
});

describe('roles and scopes', () => {
  it('a partner token on sender routes answers 403', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    const replies = await each(token, [
      ['POST', '/v1/leads', leadBody(partnerId)],
      ['GET', '/v1/sent-leads'],
      ['GET', `/v1/sent-leads/${id}`],
    ]);
    for (const [name, reply] of replies) {
      expect([name, reply.status]).toEqual([name, 403]);
      expectProblem(reply, 403);
    }
  });

  it('a sender token on partner routes answers 403', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await sender();
    for (const [name, reply] of await each(token, partnerRoutes(id))) {
      expect([name, reply.status]).toEqual([name, 403]);
      expectProblem(reply, 403);
    }
  });

  it('a partner user in another group, or with no group, answers 403', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    for (const token of [
      await partner(partnerId, 'mpn-partner-viewer'),
      await signRaw({ ...partnerClaims(partnerId), 'cognito:groups': [], iss: LOCAL_ISSUER, ...times() }),
      await signRaw({ ...withoutGroups(partnerClaims(partnerId)), iss: LOCAL_ISSUER, ...times() }),
    ]) {
      for (const [name, reply] of await each(token, partnerRoutes(id))) {
        expect([name, reply.status]).toEqual([name, 403]);
        expectProblem(reply, 403);
      }
    }
  });

  it('a partner token without partner_id, or with a bad one, answers 403', async () => {
    const { partner_id: _gone, ...claims } = partnerClaims('whatever');
    for (const token of [
      await signRaw({ ...claims, iss: LOCAL_ISSUER, ...times() }),
      await signRaw({ ...claims, partner_id: 'Not A Slug', iss: LOCAL_ISSUER, ...times() }),
    ]) {
      expectProblem(await get('/v1/leads', { token }), 403);
    }
  });

  it('an unregistered sender client, or a sender token without the scope, answers 403', async () => {
    const partnerId = uniquePartner();
    // Trusted audience (the partner app client) but no sender registered for it.
    const unregistered = await signRaw({
      ...senderClaims('local-partner-app'),
      iss: LOCAL_ISSUER,
      ...times(),
    });
    const noScope = await signRaw({
      ...senderClaims('microsoft-marketing'),
      scope: 'openid',
      iss: LOCAL_ISSUER,
      ...times(),
    });
    for (const token of [unregistered, noScope]) {
      expectProblem(await post('/v1/leads', leadBody(partnerId), { token }), 403);
      expectProblem(await get('/v1/sent-leads', { token }), 403);
    }
    // A client the authorizer does not know at all is not even authenticated.
    const unknownClient = await signRaw({
      ...senderClaims('stranger-system'),
      iss: LOCAL_ISSUER,
      ...times(),
    });
    // Locally every sender system is its own client: a signed client-credentials token from an
    // unregistered one is authenticated, and refused as not registered.
    const reply = await post('/v1/leads', leadBody(partnerId), { token: unknownClient });
    expectProblem(reply, 403, 'sender-not-registered');
    // ...and told how a sender is registered locally.
    expect(reply.body.detail).toContain('npm run sender -- register');
  });
});

describe('senders', () => {
  it("a sender cannot read another sender's lead (404)", async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId, {}, { senderId: 'fabrikam-referrals' });
    const own = await get(`/v1/sent-leads/${id}`, { token: await sender('fabrikam-referrals') });
    expect(own.status).toBe(200);
    const other = await get(`/v1/sent-leads/${id}`, { token: await sender('microsoft-marketing') });
    expectProblem(other, 404);
    const list = await get<{ items: Array<{ id: string }> }>('/v1/sent-leads?limit=100', {
      token: await sender('microsoft-marketing'),
    });
    expect(list.body.items.map((l) => l.id)).not.toContain(id);
  });

  it('the sender view holds what it sent, never notes, contacts, CRM ids, duplicate flags or decline notes', async () => {
    // The customer is what the sender sent (SPEC §4): it sees it again; the partner's side it never does.
    const secrets = ['Budget approved', 'CRM-42', 'camp-7', 'luca@contoso.example', 'possibleDuplicates'];
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const accepted = await createLead(partnerId);
    expect((await post(`/v1/leads/${accepted}/accept`, acceptBody(), { token })).status).toBe(200);
    const declined = await createLead(partnerId);
    const declineNotes = 'Secret decline reason';
    expect(
      (await post(`/v1/leads/${declined}/decline`, { reason: 'other', notes: declineNotes }, { token }))
        .status,
    ).toBe(200);
    const won = await createLead(partnerId);
    expect((await post(`/v1/leads/${won}/accept`, acceptBody(), { token })).status).toBe(200);
    expect((await post(`/v1/leads/${won}/won`, { notes: 'Won notes here' }, { token })).status).toBe(200);

    const senderToken = await sender();
    const views: JsonObject[] = [];
    for (const id of [accepted, declined, won]) {
      const reply = await get(`/v1/sent-leads/${id}`, { token: senderToken });
      expect(reply.status).toBe(200);
      views.push(reply.body);
    }
    const list = await get<{ items: JsonObject[] }>('/v1/sent-leads?limit=100', { token: senderToken });
    views.push(...list.body.items.filter((item) => item.partnerId === partnerId));
    expect(views).toHaveLength(6);
    for (const view of views) {
      expect(Object.keys(view).sort()).toEqual(
        [
          'archivedAt',
          'contactRequested',
          'customer',
          'deal',
          'externalId',
          'need',
          'id',
          'outcome',
          'partnerId',
          'receivedAt',
          'respondBy',
          'stage',
          'type',
        ].sort(),
      );
      const text = JSON.stringify(view);
      for (const secret of [...secrets, declineNotes, 'Won notes here']) expect(text).not.toContain(secret);
      if (view.deal !== null) {
        expect(Object.keys(view.deal as JsonObject).sort()).toEqual(['estimatedCloseDate', 'name', 'value']);
      }
    }
    const post201 = views.find((v) => v.id === accepted)!;
    expect(post201.deal).toEqual({
      name: 'Fabrikam ERP migration',
      value: { amount: 120000, currency: 'EUR' },
      estimatedCloseDate: '2027-03-31',
    });
  });
});

function times(offsetSeconds = 0, ttl = 3600) {
  const now = Math.floor(Date.now() / 1000) + offsetSeconds;
  return { iat: now, exp: now + ttl };
}

function withoutGroups(claims: JsonObject | ReturnType<typeof partnerClaims>) {
  const { 'cognito:groups': _groups, ...rest } = claims as Record<string, unknown>;
  return rest;
}

describe('authentication', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  async function badTokens(partnerId: string): Promise<Array<[string, string | undefined]>> {
    const valid = await partner(partnerId);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JsonObject;
    const other = await generateKeyPair('ES256');
    const reSigned = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'attacker', typ: 'JWT' })
      .sign(other.privateKey);
    const { exp: _exp, ...noExp } = claims;
    return [
      ['no token', undefined],
      ['garbage', 'not-a-jwt'],
      ['three garbage parts', 'aaa.bbb.ccc'],
      ['expired', await signRaw({ ...claims, ...times(-7200) })],
      [
        'issued in the future / not yet valid',
        await signRaw({ ...claims, ...times(), nbf: times(3600).iat }),
      ],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      ['alg none without the dot', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}`],
      ['HS256 header, ES256 signature', `${b64({ alg: 'HS256', typ: 'JWT' })}.${payload}.${signature}`],
      ['re-signed with another key', reSigned],
      ['tampered partner_id', `${header}.${b64({ ...claims, partner_id: 'someone-else' })}.${signature}`],
      [
        'tampered role',
        `${header}.${b64({ ...claims, 'cognito:groups': ['mpn-partner-admin'] })}.${signature}`,
      ],
      ['truncated signature', `${header}.${payload}.${signature.slice(0, -4)}`],
      ['wrong issuer', await signRaw({ ...claims, iss: 'https://evil.example/' })],
      ['no exp', await signRaw(noExp)],
      ['wrong audience/client', await signRaw({ ...claims, client_id: 'some-other-app' })],
    ];
  }

  it('no, garbage, expired, alg:none, re-signed and tampered tokens answer 401 on partner routes', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    for (const [name, token] of await badTokens(partnerId)) {
      for (const [method, path, body] of partnerRoutes(id)) {
        const reply = await call(method, path, { ...(token ? { token } : {}), ...(body ? { body } : {}) });
        expect([name, method, path, reply.status]).toEqual([name, method, path, 401]);
        expectProblem(reply, 401, 'unauthorized');
      }
    }
    const read = await get<JsonObject>(`/v1/leads/${id}`, { token: await partner(partnerId) });
    expect(read.body.version).toBe(1);
  });

  it('bad tokens answer 401 on sender routes too, and a malformed Authorization header is 401', async () => {
    const partnerId = uniquePartner();
    const valid = await sender();
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JsonObject;
    const tokens: Array<[string, string]> = [
      [
        'tampered client',
        `${header}.${b64({ ...claims, client_id: 'fabrikam-referrals', sub: 'fabrikam-referrals' })}.${signature}`,
      ],
      ['alg none', `${b64({ alg: 'none' })}.${payload}.`],
      ['expired', await signRaw({ ...claims, ...times(-7200) })],
    ];
    for (const [name, token] of tokens) {
      const reply = await post('/v1/leads', leadBody(partnerId), { token });
      expect([name, reply.status]).toEqual([name, 401]);
      const list = await get('/v1/sent-leads', { token });
      expect([name, list.status]).toEqual([name, 401]);
    }
    for (const authorization of [`Basic ${valid}`, `Bearer`, `Bearer ${valid} extra`, valid]) {
      const reply = await get('/v1/sent-leads', { headers: { authorization } });
      expect([authorization.slice(0, 12), reply.status]).toEqual([authorization.slice(0, 12), 401]);
    }
    const list = await get<{ items: JsonObject[] }>('/v1/sent-leads?limit=100', { token: valid });
    expect(list.body.items.filter((l) => l.partnerId === partnerId)).toEqual([]);
  });

  it('a 401 says why, in WWW-Authenticate (RFC 6750) and in the detail, and no more', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const reasons: Record<string, string> = {
      garbage: 'The bearer token is not a well-formed JWT.',
      'three garbage parts': 'The bearer token is not a well-formed JWT.',
      'alg none without the dot': 'The bearer token is not a well-formed JWT.',
      expired: 'The token has expired.',
      'issued in the future / not yet valid': 'The token is not valid yet.',
      're-signed with another key': 'The token signature does not verify.',
      'tampered partner_id': 'The token signature does not verify.',
      'tampered role': 'The token signature does not verify.',
      'truncated signature': 'The token signature does not verify.',
      'alg none': 'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
      'HS256 header, ES256 signature':
        'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
      'wrong issuer': 'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
      'no exp': 'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
      'wrong audience/client':
        'The token issuer, audience, algorithm or claims are not the ones this API accepts.',
    };
    for (const [name, token] of await badTokens(partnerId)) {
      const reply = await get(`/v1/leads/${id}`, token ? { token } : {});
      const challenge = reply.headers.get('www-authenticate');
      if (token === undefined) {
        expect([name, challenge]).toEqual([name, 'Bearer realm="partner-referrals"']);
        expect(reply.body.detail).toBe('A bearer token is required: send Authorization: Bearer <token>.');
        continue;
      }
      const reason = reasons[name];
      expect([name, challenge]).toEqual([
        name,
        `Bearer realm="partner-referrals", error="invalid_token", error_description="${reason}"`,
      ]);
      expect([name, reply.body.detail]).toEqual([name, reason]);
    }
    const valid = await partner(partnerId);
    const headers: Array<[string, string | null]> = [
      [`Basic ${valid}`, 'Bearer realm="partner-referrals"'],
      ['Bearer', 'malformed'],
      [`Bearer ${valid} extra`, 'malformed'],
      [valid, 'malformed'],
    ];
    for (const [authorization, expected] of headers) {
      const reply = await get(`/v1/leads/${id}`, { headers: { authorization } });
      expectProblem(reply, 401, 'unauthorized');
      expect([authorization.slice(0, 12), reply.headers.get('www-authenticate')]).toEqual([
        authorization.slice(0, 12),
        expected === 'malformed'
          ? `Bearer realm="partner-referrals", error="invalid_token", error_description="${tokenRejections['malformed-header']}"`
          : expected,
      ]);
    }
  });

  it('public routes need no token', async () => {
    expect((await get('/v1/health')).status).toBe(200);
    expect((await get('/openapi.json')).status).toBe(200);
  });
});
