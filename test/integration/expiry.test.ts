/**
 * Issue 3 end to end: a TTL expiry (the local TTL emulator's deletion) through DynamoDB Local's stream (the `ttl` runtime has no
 * reconciler to help), the reminder to the profile's contacts, and a decline email with hostile
 * input in every field.
 */
import {
  call,
  emails,
  get,
  leadBody,
  mentions,
  type PartnerLead,
  partner,
  post,
  sender,
  sleep,
  tag,
  to,
  uniquePartner,
  urls,
  waitForEmails,
} from './helpers.js';

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(250);
  }
}

describe('expiry through TTL and the stream', () => {
  it.concurrent('an unanswered lead is archived by the TTL archiver and its sender gets exactly one email naming it', async () => {
    const partnerId = uniquePartner();
    const posted = await post<PartnerLead>('/v1/leads', leadBody(partnerId), {
      token: await sender('fabrikam-referrals'),
      base: urls.ttl,
    });
    expect(posted.status).toBe(201);
    const id = posted.body.id;
    const token = await partner(partnerId);

    // Expired for reads the moment the 3 s window closes, before anything is stored.
    await sleep(3200);
    const early = await get<PartnerLead>(`/v1/leads/${id}`, { token, base: urls.ttl });
    expect(early.body).toMatchObject({ stage: 'archived', outcome: 'expired' });

    // DynamoDB Local deletes the timer within ~10 s; the archiver records the expiry.
    type History = { items: Array<{ action: string; by: { type: string; id: string }; at: string }> };
    const history = await until(
      async () => (await get<History>(`/v1/leads/${id}/history`, { token, base: urls.ttl })).body,
      (h) => h.items.some((e) => e.action === 'expire' && e.by.id === 'expiry-archiver'),
      30_000,
    );
    const expiry = history.items.find((e) => e.action === 'expire');
    expect(expiry).toMatchObject({
      by: { type: 'system', id: 'expiry-archiver' },
      at: posted.body.respondBy,
    });
    expect(history.items.filter((e) => e.action === 'expire')).toHaveLength(1);

    const mail = await waitForEmails(
      urls.ttlSes,
      (e) => to('referrals@fabrikam.example')(e) && mentions(id)(e),
    );
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toContain(id);

    const view = await get(`/v1/sent-leads/${id}`, {
      token: await sender('fabrikam-referrals'),
      base: urls.ttl,
    });
    expect(view.body).toMatchObject({
      stage: 'archived',
      outcome: 'expired',
      archivedAt: posted.body.respondBy,
    });
    const refused = await post(`/v1/leads/${id}/accept`, {}, { token, base: urls.ttl });
    expect(refused.status).toBe(400); // the body is checked first; a valid one gets 409 below
    const accept = await post(
      `/v1/leads/${id}/accept`,
      { deal: { name: 'Late', value: { amount: 1, currency: 'EUR' }, estimatedCloseDate: '2027-01-01' } },
      { token, base: urls.ttl },
    );
    expect(accept).toMatchObject({ status: 409, body: { code: 'lead-expired' } });

    await sleep(1500);
    expect(
      await emails(urls.ttlSes, (e) => to('referrals@fabrikam.example')(e) && mentions(id)(e)),
    ).toHaveLength(1);
  }, 60_000);

  it.concurrent('a lead answered in time is left alone when its timer fires', async () => {
    const partnerId = uniquePartner();
    const posted = await post<PartnerLead>('/v1/leads', leadBody(partnerId), {
      token: await sender(),
      base: urls.ttl,
    });
    const token = await partner(partnerId);
    const declined = await post(
      `/v1/leads/${posted.body.id}/decline`,
      { reason: 'duplicate' },
      { token, base: urls.ttl },
    );
    expect(declined.status).toBe(200);
    await sleep(15_000);
    const lead = await get<PartnerLead>(`/v1/leads/${posted.body.id}`, { token, base: urls.ttl });
    expect(lead.body).toMatchObject({ stage: 'archived', outcome: 'declined', version: 2 });
    expect(
      await emails(urls.ttlSes, (e) => to('referrals@microsoft.example')(e) && mentions(posted.body.id)(e)),
    ).toEqual([]);
  }, 60_000);
});

describe('alerts and reminders to the profile contacts', () => {
  it.concurrent('a new lead alerts the contacts, and an unanswered one is reminded once before it expires', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const desk = `desk-${tag()}@contoso.example`;
    const sales = `sales-${tag()}@contoso.example`;
    const saved = await call('PUT', '/v1/profile', {
      token,
      base: urls.short,
      body: {
        keywords: ['erp'],
        locations: [
          { name: 'Milano', country: 'IT', contacts: [{ name: 'Desk', email: desk }] },
          {
            name: 'Roma',
            country: 'IT',
            contacts: [
              { name: 'Sales', email: sales },
              { name: 'Desk', email: desk },
            ],
          },
        ],
      },
    });
    expect(saved.status).toBe(200);

    const answered = await post<PartnerLead>('/v1/leads', leadBody(partnerId, { contactRequested: false }), {
      token: await sender(),
      base: urls.short,
    });
    const open = await post<PartnerLead>('/v1/leads', leadBody(partnerId, { contactRequested: true }), {
      token: await sender(),
      base: urls.short,
    });
    await post(
      `/v1/leads/${answered.body.id}/decline`,
      { reason: 'no-capacity' },
      { token, base: urls.short },
    );

    const alert = await waitForEmails(
      urls.shortSes,
      (e) => to(desk)(e) && mentions(open.body.id)(e) && /New lead/.test(e.subject),
    );
    expect(alert).toHaveLength(1);
    expect(alert[0]!.destination.to.map((a) => a.toLowerCase()).sort()).toEqual([desk, sales].sort());
    expect(alert[0]!.subject).toMatch(/^Urgent/);

    const reminder = await waitForEmails(
      urls.shortSes,
      (e) => to(desk)(e) && mentions(open.body.id)(e) && /^Reminder/.test(e.subject),
      1,
      20_000,
    );
    expect(reminder).toHaveLength(1);
    await sleep(3000);
    const all = await emails(urls.shortSes, (e) => to(desk)(e) && /^Reminder/.test(e.subject));
    expect(all.filter(mentions(open.body.id))).toHaveLength(1);
    expect(all.filter(mentions(answered.body.id))).toEqual([]);
  }, 60_000);
});

describe('the decline email', () => {
  it.concurrent('escapes hostile input in every field and keeps headers clean', async () => {
    const partnerId = uniquePartner();
    const evil = `<img src=x onerror=alert(1)>"'&`;
    const customer = `victim-${tag()}@fabrikam.example`;
    const posted = await post<PartnerLead>(
      '/v1/leads',
      leadBody(partnerId, {
        customer: {
          companyName: `${evil} Ltd`,
          contactName: `${evil} Ana`,
          email: customer,
          phone: '+39 02 1234',
          country: 'IT',
        },
        need: {
          title: `${evil} Bcc: attacker@example.com`,
          description: `${evil}\nline two`,
          products: [evil],
        },
        externalId: evil,
      }),
      { token: await sender() },
    );
    expect(posted.status).toBe(201);
    const token = await partner(partnerId);
    await post(
      `/v1/leads/${posted.body.id}/decline`,
      { reason: 'other', notes: `${evil} internal-note` },
      { token },
    );

    const [email, ...more] = await waitForEmails(urls.mainSes, to(customer));
    expect(more).toEqual([]);
    expect(email!.destination.to).toEqual([customer]);
    expect(email!.subject).not.toMatch(/[\r\n]/);
    expect(email!.body.html).not.toMatch(/<img|onerror=alert\(1\)>/);
    expect(email!.body.html).toContain('&lt;img');
    expect(email!.body.text).toContain(posted.body.id);
    // The partner's decline notes are internal: the customer never sees them.
    expect(`${email!.body.text}${email!.body.html}`).not.toContain('internal-note');
  }, 30_000);

  it.concurrent('a line break in a one-line field is refused at intake', async () => {
    const reply = await post(
      '/v1/leads',
      leadBody(uniquePartner(), { need: { title: 'Hi\r\nBcc: x@example.com' } }),
      {
        token: await sender(),
      },
    );
    expect(reply).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
  });
});
