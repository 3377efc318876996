/**
 * Bad input of every kind answers a 4xx problem, never a 5xx (SPEC §4): malformed JSON, wrong
 * media types, oversized bodies, unknown fields, wrong types, bad currencies, dates and control
 * characters, bad ids and routes; plus a property test over random and mutated bodies.
 */
import fc from 'fast-check';
import {
  acceptBody,
  call,
  createLead,
  expectProblem,
  get,
  type JsonObject,
  leadBody,
  type PartnerLead,
  partner,
  post,
  type Reply,
  sender,
  uniquePartner,
} from './helpers.js';

interface FieldError {
  path: string;
  message: string;
}
const errorsOf = (reply: Reply) => (reply.body.errors ?? []) as unknown as FieldError[];
const pathsOf = (reply: Reply) => errorsOf(reply).map((e) => e.path);

describe('body framing', () => {
  it('malformed JSON answers 400 malformed-json', async () => {
    const token = await sender();
    for (const raw of ['{', '{"partnerId": }', "{'a':1}", 'undefined', '{"a":1}}', '\u0000']) {
      const reply = await call('POST', '/v1/leads', {
        token,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect([raw, reply.status]).toEqual([raw, 400]);
      expectProblem(reply, 400, 'malformed-json');
    }
    const id = await createLead(uniquePartner());
    const reply = await call('POST', `/v1/leads/${id}/accept`, {
      token: await partner('nobody-here'),
      raw: '{"deal":',
      headers: { 'content-type': 'application/json' },
    });
    expect([400, 404]).toContain(reply.status);
  });

  it('malformed-json says where parsing failed, and quotes none of the body', async () => {
    const token = await sender();
    const cases: Array<[string, string]> = [
      ['{"partnerId": "secret-value" "type"}', 'parsing failed at line 1, column 30 (character 30)'],
      ['{\n  "partnerId": contoso\n}', 'parsing failed at line 2, column 16 (character 18)'],
      ['{"partnerId": "secret-value",', 'it ends at line 1, column 30 before the JSON is complete'],
    ];
    for (const [raw, where] of cases) {
      const reply = await call('POST', '/v1/leads', {
        token,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(reply, 400, 'malformed-json');
      const detail = String(reply.body.detail);
      expect([raw, detail]).toEqual([raw, `The body is not valid JSON: ${where}.`]);
      expect(reply.text).not.toContain('secret-value');
      expect(reply.text).not.toContain('contoso');
    }
  });

  it('a body that is valid JSON but not an object answers 400 validation-failed', async () => {
    const token = await sender();
    for (const raw of ['null', '[]', '42', '"lead"', 'true']) {
      const reply = await call('POST', '/v1/leads', {
        token,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect([raw, reply.status]).toEqual([raw, 400]);
      expectProblem(reply, 400, 'validation-failed');
    }
  });

  it('a body that is not JSON answers 415', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    const body = JSON.stringify(leadBody(partnerId));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data',
    ]) {
      const reply = await call('POST', '/v1/leads', { token, raw: body, headers: { 'content-type': type } });
      expect([type, reply.status]).toEqual([type, 415]);
      expectProblem(reply, 415, 'unsupported-media-type');
    }
    const octets = await call('POST', '/v1/leads', {
      token,
      raw: Buffer.from(body),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectProblem(octets, 415);
    // JSON media types with parameters and +json suffixes are fine.
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) {
      const reply = await call('POST', '/v1/leads', { token, raw: body, headers: { 'content-type': type } });
      expect([type, reply.status]).toEqual([type, 201]);
    }
  });

  it('64 KiB exactly is the limit: 65536 bytes are read, 65537 are refused', async () => {
    const token = await sender();
    const sized = (bytes: number) => `{"pad":"${'p'.repeat(bytes - '{"pad":""}'.length)}"}`;
    expect(Buffer.byteLength(sized(65536))).toBe(65536);
    const at = await call('POST', '/v1/leads', {
      token,
      raw: sized(65536),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(at, 400, 'validation-failed');
    const over = await call('POST', '/v1/leads', {
      token,
      raw: sized(65537),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(over, 413, 'payload-too-large');
    // Multi-byte characters count as bytes, not characters.
    const wide = `{"pad":"${'é'.repeat(33_000)}"}`;
    expect(wide.length).toBeLessThan(65536);
    const wideReply = await call('POST', '/v1/leads', {
      token,
      raw: wide,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(wideReply, 413);
  });

  it('a body over 64 KiB answers 413; one just under is judged on its content', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    const big = leadBody(partnerId, { need: { title: 'Big', description: 'x'.repeat(70 * 1024) } });
    const reply = await post('/v1/leads', big, { token });
    expectProblem(reply, 413, 'payload-too-large');
    const huge = await call('POST', '/v1/leads', {
      token,
      raw: `{"pad":"${'y'.repeat(2 * 1024 * 1024)}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(huge, 413);
    // 60 KiB of padding: not too large, but the description is over its 4000 characters.
    const under = leadBody(partnerId, { need: { title: 'Big', description: 'x'.repeat(60 * 1024) } });
    const underReply = await post('/v1/leads', under, { token });
    expectProblem(underReply, 400, 'validation-failed');
    expect(pathsOf(underReply)).toContain('need.description');
    const acceptId = await createLead(partnerId);
    const bigAccept = acceptBody();
    (bigAccept.deal as JsonObject).notes = 'n'.repeat(65 * 1024);
    expectProblem(
      await post(`/v1/leads/${acceptId}/accept`, bigAccept, { token: await partner(partnerId) }),
      413,
    );
  });
});

describe('validation', () => {
  it('unknown fields answer 400 with errors [{ path, message }]', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    const reply = await post('/v1/leads', leadBody(partnerId, { priority: 'high' }), { token });
    expectProblem(reply, 400, 'validation-failed');
    expect(errorsOf(reply).length).toBeGreaterThan(0);
    for (const error of errorsOf(reply)) {
      expect(typeof error.path).toBe('string');
      expect(typeof error.message).toBe('string');
    }
    const nested = leadBody(partnerId);
    (nested.customer as JsonObject).vatNumber = 'IT123';
    const nestedReply = await post('/v1/leads', nested, { token });
    expectProblem(nestedReply, 400, 'validation-failed');
    expect(errorsOf(nestedReply).map((e) => e.path)).toEqual(['customer.vatNumber']);
    expect(errorsOf(reply).map((e) => e.path)).toEqual(['priority']);

    const id = await createLead(partnerId);
    const partnerToken = await partner(partnerId);
    const acceptExtra = await post(
      `/v1/leads/${id}/accept`,
      { ...acceptBody(), stage: 'archived' },
      { token: partnerToken },
    );
    expectProblem(acceptExtra, 400, 'validation-failed');
    const declineExtra = await post(
      `/v1/leads/${id}/decline`,
      { reason: 'duplicate', emailCustomer: false },
      { token: partnerToken },
    );
    expectProblem(declineExtra, 400, 'validation-failed');
    expect((await get<PartnerLead>(`/v1/leads/${id}`, { token: partnerToken })).body.stage).toBe('received');
  });

  it('wrong types answer 400 naming each offending field', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    const cases: Array<[JsonObject, string]> = [
      [{ partnerId: 42 }, 'partnerId'],
      [{ partnerId: 'Has Capitals' }, 'partnerId'],
      [{ partnerId: 'x' }, 'partnerId'],
      [{ type: 'hot-lead' }, 'type'],
      [{ contactRequested: 'yes' }, 'contactRequested'],
      [{ customer: 'Fabrikam' }, 'customer'],
      [{ need: { title: ['a'] } }, 'need.title'],
      [{ need: { title: '   ' } }, 'need.title'],
      [{ need: { title: 'ok', products: 'Azure' } }, 'need.products'],
      [{ externalId: 17 }, 'externalId'],
    ];
    for (const [override, path] of cases) {
      const reply = await post('/v1/leads', leadBody(partnerId, override), { token });
      expect([override, reply.status]).toEqual([override, 400]);
      expectProblem(reply, 400, 'validation-failed');
      expect([override, pathsOf(reply)]).toEqual([override, expect.arrayContaining([path])]);
    }
    const badCustomer = leadBody(partnerId);
    Object.assign(badCustomer.customer as JsonObject, {
      email: 'not-an-email',
      country: 'Italy',
      companySize: 'huge',
      phone: 'call me maybe',
    });
    const reply = await post('/v1/leads', badCustomer, { token });
    expectProblem(reply, 400, 'validation-failed');
    expect(pathsOf(reply)).toEqual(
      expect.arrayContaining([
        'customer.email',
        'customer.country',
        'customer.companySize',
        'customer.phone',
      ]),
    );
    const missing = await post('/v1/leads', { partnerId }, { token });
    expectProblem(missing, 400, 'validation-failed');
    expect(pathsOf(missing)).toEqual(expect.arrayContaining(['type', 'customer', 'need']));
  });

  it('an invalid currency, amount or date answers 400', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    const withDeal = (deal: JsonObject) => ({ deal: { ...(acceptBody().deal as JsonObject), ...deal } });
    const cases: Array<[JsonObject, string]> = [
      [{ value: { amount: 1, currency: 'EURO' } }, 'deal.value.currency'],
      [{ value: { amount: 1, currency: 'eur' } }, 'deal.value.currency'],
      [{ value: { amount: 1, currency: 'ZZZ' } }, 'deal.value.currency'],
      [{ value: { amount: -5, currency: 'EUR' } }, 'deal.value.amount'],
      [{ value: { amount: '100', currency: 'EUR' } }, 'deal.value.amount'],
      [{ value: { amount: 1e13, currency: 'EUR' } }, 'deal.value.amount'],
      [{ value: { amount: 1 } }, 'deal.value.currency'],
      [{ estimatedCloseDate: '2027-02-30' }, 'deal.estimatedCloseDate'],
      [{ estimatedCloseDate: '2027-13-01' }, 'deal.estimatedCloseDate'],
      [{ estimatedCloseDate: '31/03/2027' }, 'deal.estimatedCloseDate'],
      [{ estimatedCloseDate: '2027-03-31T00:00:00Z' }, 'deal.estimatedCloseDate'],
      [{ estimatedCloseDate: 'tomorrow' }, 'deal.estimatedCloseDate'],
    ];
    for (const [deal, path] of cases) {
      const reply = await post(`/v1/leads/${id}/accept`, withDeal(deal), { token });
      expect([deal, reply.status]).toEqual([deal, 400]);
      expectProblem(reply, 400, 'validation-failed');
      expect([deal, pathsOf(reply)]).toEqual([deal, expect.arrayContaining([path])]);
    }
    expect(
      (await post(`/v1/leads/${id}/accept`, withDeal({ estimatedCloseDate: '2028-02-29' }), { token }))
        .status,
    ).toBe(200);
    const badFinal = await post(
      `/v1/leads/${id}/won`,
      { finalValue: { amount: 1, currency: 'XYZ1' } },
      { token },
    );
    expectProblem(badFinal, 400, 'validation-failed');
    const badPatch = await call('PATCH', `/v1/leads/${id}`, { token, body: { deal: {} } });
    expectProblem(badPatch, 400, 'validation-failed');
    const badPatchDate = await call('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { estimatedCloseDate: '2027-04-31' } },
    });
    expectProblem(badPatchDate, 400, 'validation-failed');
    const clearName = await call('PATCH', `/v1/leads/${id}`, { token, body: { deal: { name: null } } });
    expectProblem(clearName, 400, 'validation-failed');
    const badContacts = await post(`/v1/leads/${id}/contacts`, { contacts: [] }, { token });
    expectProblem(badContacts, 400, 'validation-failed');
    const badEmail = await post(
      `/v1/leads/${id}/contacts`,
      { contacts: [{ name: 'A', email: 'nope' }] },
      { token },
    );
    expectProblem(badEmail, 400, 'validation-failed');
    expect(pathsOf(badEmail)).toContain('contacts.0.email');
    expect((await get<PartnerLead>(`/v1/leads/${id}`, { token })).body.version).toBe(2);
  });

  it('control characters in one-line fields answer 400; line breaks in free text are fine', async () => {
    const partnerId = uniquePartner();
    const token = await sender();
    for (const bad of [
      'Ana\u0000Rossi',
      'Ana\nRossi',
      'Ana\rBcc: x@evil.example',
      'Ana\u0007',
      'Ana\u001bRossi',
      'Ana\u007f',
      'Ana\u0085',
    ]) {
      const body = leadBody(partnerId);
      (body.customer as JsonObject).contactName = bad;
      const reply = await post('/v1/leads', body, { token });
      expect([JSON.stringify(bad), reply.status]).toEqual([JSON.stringify(bad), 400]);
      expect(pathsOf(reply)).toContain('customer.contactName');
    }
    const subject = leadBody(partnerId, { need: { title: 'ERP\r\nBcc: victim@example.com' } });
    expectProblem(await post('/v1/leads', subject, { token }), 400, 'validation-failed');
    const fine = leadBody(partnerId, {
      need: { title: 'ERP 🚀 Ünïcode', description: 'line one\nline two\r\n\tindented' },
    });
    expect((await post('/v1/leads', fine, { token })).status).toBe(201);
    const nulInText = leadBody(partnerId, { need: { title: 'ERP', description: 'bad\u0000byte' } });
    expectProblem(await post('/v1/leads', nulInText, { token }), 400, 'validation-failed');

    const id = await createLead(partnerId);
    const partnerToken = await partner(partnerId);
    const deal = { ...(acceptBody().deal as JsonObject), name: 'Deal\u0000name' };
    expectProblem(
      await post(`/v1/leads/${id}/accept`, { deal }, { token: partnerToken }),
      400,
      'validation-failed',
    );
  });
});

describe('paths and routes', () => {
  it('an invalid lead id in the path answers 404', async () => {
    const token = await partner(uniquePartner());
    for (const id of [
      'abc',
      '01jd0000000000000000000000',
      '01JD000000000000000000000I',
      '0'.repeat(27),
      '%20',
      '..%2F..%2Fetc',
      'a%00b',
    ]) {
      for (const [method, path] of [
        ['GET', `/v1/leads/${id}`],
        ['GET', `/v1/leads/${id}/history`],
        ['PUT', `/v1/leads/${id}/favorite`],
      ] as const) {
        const reply = await call(method, path, { token });
        expect([path, reply.status]).toEqual([path, 404]);
        expectProblem(reply, 404);
      }
      const accept = await post(`/v1/leads/${id}/accept`, acceptBody(), { token });
      expectProblem(accept, 404);
    }
    const senderToken = await sender();
    expectProblem(await get('/v1/sent-leads/not-a-lead', { token: senderToken }), 404);
    expectProblem(await get('/v1/sent-leads/01ZZZZZZZZZZZZZZZZZZZZZZZZ', { token: senderToken }), 404);
  });

  it('a malformed percent-encoding in the lead id answers 404, never a 5xx', async () => {
    const token = await partner(uniquePartner());
    const senderToken = await sender();
    const cases: Array<[string, string, string]> = [
      ['GET', '/v1/leads/%ZZ', token],
      ['GET', '/v1/leads/%E0%A4%A/history', token],
      ['PUT', '/v1/leads/%/favorite', token],
      ['GET', '/v1/sent-leads/%C0', senderToken],
    ];
    for (const [method, path, bearer] of cases) {
      const reply = await call(method, path, { token: bearer });
      expect([method, path, reply.status]).toEqual([method, path, 404]);
      expectProblem(reply, 404);
    }
  });

  it('an unknown route answers 404, a known path with another method 404 or 405', async () => {
    // `/` is the console's page for any client (local runtime); every other unknown path is the API's 404.
    for (const path of [
      '/v2/leads',
      '/v1/lead',
      '/v1/leads/01ZZZZZZZZZZZZZZZZZZZZZZZZ/approve',
      '/v1/health/x',
    ]) {
      const reply = await get(path);
      expect([path, reply.status]).toEqual([path, 404]);
      expectProblem(reply, 404);
    }
    const wrongMethod = await call('DELETE', '/v1/health');
    expect([404, 405]).toContain(wrongMethod.status);
    expectProblem(wrongMethod, wrongMethod.status);
    const put = await call('PUT', '/v1/leads', { token: await sender(), body: {} });
    expect([404, 405]).toContain(put.status);
  });

  it('locally, a 404 points at /openapi.json and a 405 names the methods the path takes', async () => {
    const unknown = await get('/v1/lead');
    expectProblem(unknown, 404, 'not-found');
    expect(unknown.body.detail).toBe('No route has this path. The API is described at /openapi.json.');
    const wrongMethod = await call('PUT', '/v1/leads', { token: await sender(), body: {} });
    expectProblem(wrongMethod, 405, 'method-not-allowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET');
    expect(wrongMethod.body.detail).toBe('This path takes POST, GET. The API is described at /openapi.json.');
  });
});

describe('property: no input yields a 5xx', () => {
  const validLead = leadBody(uniquePartner());
  const paths = (value: unknown, prefix: string[] = []): string[][] => {
    if (value === null || typeof value !== 'object') return [prefix];
    return [
      prefix,
      ...Object.entries(value as JsonObject).flatMap(([key, child]) => paths(child, [...prefix, key])),
    ];
  };
  const mutate = (base: JsonObject, at: string[], replacement: unknown, drop: boolean): unknown => {
    if (at.length === 0) return replacement;
    const copy: JsonObject = Array.isArray(base) ? ([...base] as unknown as JsonObject) : { ...base };
    const [head, ...rest] = at as [string, ...string[]];
    if (rest.length === 0 && drop) delete copy[head];
    else copy[head] = mutate((copy[head] ?? {}) as JsonObject, rest, replacement, drop) as JsonObject;
    return copy;
  };

  const json = fc.jsonValue({ maxDepth: 3 });
  const weirdStrings = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\ud800',
      '𝕏'.repeat(300),
      'a'.repeat(5000),
      '__proto__',
      'constructor',
      '1e309',
    ),
  );
  const leafValues = fc.oneof(
    json,
    weirdStrings,
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308, 0.1, -1),
  );

  /** Bodies: random JSON, random text, and the valid body with one field replaced, dropped or added. */
  const bodies = (base: JsonObject) =>
    fc.oneof(
      json.map((v) => ({ raw: JSON.stringify(v) })),
      weirdStrings.map((raw) => ({ raw })),
      fc
        .tuple(fc.constantFrom(...paths(base)), leafValues, fc.boolean())
        .map(([at, value, drop]) => ({ raw: JSON.stringify(mutate(base, at, value, drop)) })),
      fc
        .tuple(fc.constantFrom(...paths(base).filter((p) => p.length > 0)), weirdStrings, leafValues)
        .map(([at, key, value]) => ({
          raw: JSON.stringify(mutate(base, [...at.slice(0, -1), key], value, false)),
        })),
    );

  const ok = (status: number, allowed: number[]) =>
    allowed.includes(status) || (status >= 400 && status < 500);

  it('POST /v1/leads answers 201 or 4xx to ~100 random and mutated bodies', async () => {
    const token = await sender();
    const seen: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        bodies(validLead),
        fc.option(fc.constantFrom('application/json', 'text/plain')),
        async (b, type) => {
          const reply = await call('POST', '/v1/leads', {
            token,
            raw: b.raw,
            headers: { 'content-type': type ?? 'application/json' },
          });
          seen.push(reply.status);
          expect([b.raw.slice(0, 200), reply.status, ok(reply.status, [201])]).toEqual([
            b.raw.slice(0, 200),
            reply.status,
            true,
          ]);
          if (reply.status >= 400) expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
        },
      ),
      { numRuns: 100 },
    );
    expect(seen.some((s) => s >= 400)).toBe(true);
  });

  it('POST /v1/leads/{id}/accept answers 200 or 4xx to ~100 random and mutated bodies', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const ids = await Promise.all(Array.from({ length: 3 }, () => createLead(partnerId)));
    await fc.assert(
      fc.asyncProperty(
        bodies(acceptBody()),
        fc.constantFrom(...ids, '01ZZZZZZZZZZZZZZZZZZZZZZZZ', 'bogus'),
        fc.option(
          fc.oneof(fc.constantFrom('"1"', '*', '"999999999999999"', 'W/"1"'), fc.string({ maxLength: 100 })),
        ),
        async (b, id, ifMatch) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          // fetch refuses header values with control characters; those never reach a server anyway.
          if (ifMatch !== null && /^[\x20-\x7e]*$/.test(ifMatch)) headers['if-match'] = ifMatch;
          const reply = await call('POST', `/v1/leads/${encodeURIComponent(id)}/accept`, {
            token,
            raw: b.raw,
            headers,
          });
          expect([b.raw.slice(0, 200), ifMatch, reply.status, ok(reply.status, [200])]).toEqual([
            b.raw.slice(0, 200),
            ifMatch,
            reply.status,
            true,
          ]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random query strings on the lists never yield a 5xx', async () => {
    const partnerToken = await partner(uniquePartner());
    const senderToken = await sender();
    const param = fc.tuple(
      fc.constantFrom('limit', 'cursor', 'tab', 'stage', 'x', 'limit'),
      fc.oneof(
        fc.string(),
        fc.integer().map(String),
        fc.constantFrom('favorites', 'archived', '', '%', '%ZZ'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(param, { maxLength: 4 }), fc.boolean(), async (params, asSender) => {
        const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const path = `${asSender ? '/v1/sent-leads' : '/v1/leads'}?${query}`;
        const reply = await get(path, { token: asSender ? senderToken : partnerToken });
        expect([path, ok(reply.status, [200])]).toEqual([path, true]);
      }),
      { numRuns: 60 },
    );
  });
});
