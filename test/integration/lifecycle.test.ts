/**
 * The life cycle of a lead over the real HTTP surface (SPEC §3, §4): a sender posts, the partner
 * reads, accepts, edits, adds contacts, and closes; decline and lost paths; wrong transitions.
 */
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
  sender,
  uniquePartner,
} from './helpers.js';

interface HistoryEntry {
  at: string;
  by: { type: string; id: string };
  action: string;
  from: string | null;
  to: string;
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('a lead from post to won', () => {
  it('walks received -> accepted -> edited -> contacts -> won, then refuses everything', async () => {
    const partnerId = uniquePartner();
    const body = leadBody(partnerId);
    const posted = await post<PartnerLead>('/v1/leads', body, { token: await sender() });
    expect(posted.status).toBe(201);
    expect(posted.headers.get('location')).toBe(`/v1/sent-leads/${posted.body.id}`);
    const id = posted.body.id;
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    const token = await partner(partnerId);
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(read.body).toEqual({
      id,
      partnerId,
      type: 'customer-inquiry',
      tab: 'marketplace',
      stage: 'received',
      outcome: null,
      sender: { id: 'microsoft-marketing', kind: 'microsoft', name: expect.any(String) },
      customer: body.customer,
      need: body.need,
      externalId: body.externalId,
      contactRequested: true,
      alert: 'contact-now',
      receivedAt: expect.stringMatching(isoInstant),
      respondBy: expect.stringMatching(isoInstant),
      deal: null,
      contacts: [],
      decline: null,
      closed: null,
      archivedAt: null,
      favorite: false,
      version: 1,
      possibleDuplicates: [],
    });
    const window = Date.parse(String(read.body.respondBy)) - Date.parse(String(read.body.receivedAt));
    expect(window).toBe(14 * 24 * 3600 * 1000);

    const accepted = await post<PartnerLead>(`/v1/leads/${id}/accept`, acceptBody(), {
      token,
      headers: { 'if-match': '"1"' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('etag')).toBe('"2"');
    expect(accepted.body).toMatchObject({
      stage: 'accepted',
      outcome: null,
      alert: null,
      version: 2,
      deal: acceptBody().deal,
      contacts: acceptBody().contacts,
    });

    const edited = await call<PartnerLead>('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { estimatedCloseDate: '2027-05-31', notes: 'Moved a quarter', crmId: null } },
      headers: { 'if-match': '"2"' },
    });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).toBe('"3"');
    expect(edited.body.version).toBe(3);
    const deal = edited.body.deal as JsonObject;
    expect(deal.estimatedCloseDate).toBe('2027-05-31');
    expect(deal.notes).toBe('Moved a quarter');
    expect(deal.crmId).toBeUndefined();
    expect(deal.name).toBe('Fabrikam ERP migration');

    const stale = await call('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { notes: 'lost update' } },
      headers: { 'if-match': '"2"' },
    });
    expectProblem(stale, 412);
    const unchanged = await get<PartnerLead>(`/v1/leads/${id}`, { token });
    expect((unchanged.body.deal as JsonObject).notes).toBe('Moved a quarter');
    expect(unchanged.body.version).toBe(3);

    const contact = { name: 'Giulia Verdi', email: 'giulia@contoso.example' };
    const withContacts = await post<PartnerLead>(
      `/v1/leads/${id}/contacts`,
      { contacts: [contact] },
      { token },
    );
    expect(withContacts.status).toBe(200);
    expect(withContacts.body.contacts).toEqual([...(acceptBody().contacts as JsonObject[]), contact]);
    expect(withContacts.body.version).toBe(4);

    const won = await post<PartnerLead>(
      `/v1/leads/${id}/won`,
      { notes: 'Signed', finalValue: { amount: 110000, currency: 'EUR' } },
      { token },
    );
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({
      stage: 'archived',
      outcome: 'won',
      version: 5,
      closed: { notes: 'Signed', finalValue: { amount: 110000, currency: 'EUR' }, at: expect.any(String) },
    });
    expect(won.body.archivedAt).toMatch(isoInstant);

    const tries: Array<[string, string, unknown]> = [
      ['POST', 'accept', acceptBody()],
      ['POST', 'decline', { reason: 'no-capacity' }],
      ['PATCH', '', { deal: { notes: 'too late' } }],
      ['POST', 'contacts', { contacts: [contact] }],
      ['POST', 'won', {}],
      ['POST', 'lost', {}],
    ];
    for (const [method, action, payload] of tries) {
      const reply = await call(method, `/v1/leads/${id}${action ? `/${action}` : ''}`, {
        token,
        body: payload,
      });
      expectProblem(reply, 409, 'lead-archived');
    }

    const sent = await get(`/v1/sent-leads/${id}`, { token: await sender() });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ stage: 'archived', outcome: 'won' });

    const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${id}/history`, { token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((h) => [h.action, h.from, h.to])).toEqual([
      ['receive', null, 'received'],
      ['accept', 'received', 'accepted'],
      ['edit', 'accepted', 'accepted'],
      ['add-contacts', 'accepted', 'accepted'],
      ['won', 'accepted', 'archived'],
    ]);
    expect(history.body.items[0]!.by).toEqual({ type: 'sender', id: 'microsoft-marketing' });
    for (const entry of history.body.items.slice(1)) {
      expect(entry.by).toEqual({ type: 'partner-user', id: `${partnerId}-user` });
    }
    const times = history.body.items.map((h) => h.at);
    for (const at of times) expect(at).toMatch(isoInstant);
    expect([...times].sort()).toEqual(times);
  });

  it('a PATCH with If-Match * or without If-Match applies; a garbage If-Match answers 412', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token })).status).toBe(200);
    const star = await call<PartnerLead>('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { name: 'Renamed' } },
      headers: { 'if-match': '*' },
    });
    expect(star.status).toBe(200);
    const none = await call<PartnerLead>('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { name: 'Again' } },
    });
    expect(none.status).toBe(200);
    expect(none.body.version).toBe(4);
    const garbage = await call('PATCH', `/v1/leads/${id}`, {
      token,
      body: { deal: { name: 'Nope' } },
      headers: { 'if-match': 'W/"4"x' },
    });
    expectProblem(garbage, 412);
    const stale = await post(`/v1/leads/${id}/won`, {}, { token, headers: { 'if-match': '"3"' } });
    expectProblem(stale, 412);
  });
});

describe('decline, lost and wrong transitions', () => {
  it('decline needs notes with reason other, then archives as declined', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);

    const noNotes = await post(`/v1/leads/${id}/decline`, { reason: 'other' }, { token });
    expectProblem(noNotes, 400, 'validation-failed');
    expect(noNotes.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'notes' })]));
    const blankNotes = await post(`/v1/leads/${id}/decline`, { reason: 'other', notes: '   ' }, { token });
    expectProblem(blankNotes, 400, 'validation-failed');
    const badReason = await post(`/v1/leads/${id}/decline`, { reason: 'bored' }, { token });
    expectProblem(badReason, 400, 'validation-failed');

    const declined = await post<PartnerLead>(
      `/v1/leads/${id}/decline`,
      { reason: 'other', notes: 'We only work in Lombardy' },
      { token },
    );
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({
      stage: 'archived',
      outcome: 'declined',
      alert: null,
      decline: { reason: 'other', notes: 'We only work in Lombardy' },
      version: 2,
    });
    expect(declined.body.archivedAt).toMatch(isoInstant);

    expectProblem(await post(`/v1/leads/${id}/accept`, acceptBody(), { token }), 409, 'lead-archived');
    expectProblem(
      await post(`/v1/leads/${id}/decline`, { reason: 'duplicate' }, { token }),
      409,
      'lead-archived',
    );

    const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${id}/history`, { token });
    expect(history.body.items.map((h) => [h.action, h.from, h.to])).toEqual([
      ['receive', null, 'received'],
      ['decline', 'received', 'archived'],
    ]);

    const sent = await get(`/v1/sent-leads/${id}`, { token: await sender() });
    expect(sent.body).toMatchObject({ stage: 'archived', outcome: 'declined' });
  });

  it('lost archives an accepted lead with an optional body', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId, { type: 'sales-qualified' });
    const token = await partner(partnerId, 'mpn-partner-admin');
    expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token })).status).toBe(200);
    // No body at all: won/lost bodies are optional.
    const lost = await call<PartnerLead>('POST', `/v1/leads/${id}/lost`, { token });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ stage: 'archived', outcome: 'lost', tab: 'qualified' });
    expect((lost.body.closed as JsonObject).at).toMatch(isoInstant);
    expectProblem(await post(`/v1/leads/${id}/won`, {}, { token }), 409, 'lead-archived');
    const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${id}/history`, { token });
    expect(history.body.items.map((h) => h.action)).toEqual(['receive', 'accept', 'lost']);
  });

  it('refuses won/lost/edit/contacts on a received lead and a second accept with invalid-transition', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    expectProblem(await post(`/v1/leads/${id}/won`, {}, { token }), 409, 'invalid-transition');
    expectProblem(await post(`/v1/leads/${id}/lost`, {}, { token }), 409, 'invalid-transition');
    expectProblem(
      await call('PATCH', `/v1/leads/${id}`, { token, body: { deal: { notes: 'x' } } }),
      409,
      'invalid-transition',
    );
    expectProblem(
      await post(`/v1/leads/${id}/contacts`, { contacts: [{ name: 'A', email: 'a@b.example' }] }, { token }),
      409,
      'invalid-transition',
    );
    expect((await post(`/v1/leads/${id}/accept`, acceptBody(), { token })).status).toBe(200);
    expectProblem(await post(`/v1/leads/${id}/accept`, acceptBody(), { token }), 409, 'invalid-transition');
    expectProblem(
      await post(`/v1/leads/${id}/decline`, { reason: 'no-capacity' }, { token }),
      409,
      'invalid-transition',
    );
    // The refused calls left no trace.
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token });
    expect(read.body.version).toBe(2);
    const history = await get<{ items: HistoryEntry[] }>(`/v1/leads/${id}/history`, { token });
    expect(history.body.items.map((h) => h.action)).toEqual(['receive', 'accept']);
  });

  it('accept validates its body: deal name, value and close date are required', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId);
    const token = await partner(partnerId);
    const missing = await post(`/v1/leads/${id}/accept`, { deal: { name: 'X' } }, { token });
    expectProblem(missing, 400, 'validation-failed');
    const paths = (missing.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['deal.value', 'deal.estimatedCloseDate']));
    const noBody = await call(`POST`, `/v1/leads/${id}/accept`, { token });
    expectProblem(noBody, 400, 'validation-failed');
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token });
    expect(read.body.stage).toBe('received');
  });

  it('a lead without contactRequested has no alert; qualified types land in the qualified tab', async () => {
    const partnerId = uniquePartner();
    const id = await createLead(partnerId, { type: 'marketing-qualified', contactRequested: false });
    const read = await get<PartnerLead>(`/v1/leads/${id}`, { token: await partner(partnerId) });
    expect(read.body).toMatchObject({ tab: 'qualified', alert: null, contactRequested: false });
    const bare = leadBody(partnerId);
    delete bare.contactRequested;
    delete bare.externalId;
    const posted = await post<PartnerLead>('/v1/leads', bare, { token: await sender() });
    expect(posted.status).toBe(201);
    expect(posted.body.externalId).toBeNull();
    const second = await get<PartnerLead>(`/v1/leads/${posted.body.id}`, { token: await partner(partnerId) });
    expect(second.body).toMatchObject({ contactRequested: false, alert: null, externalId: null });
  });
});
