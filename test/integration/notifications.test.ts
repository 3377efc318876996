/**
 * Emails (SPEC §6) as they reach the local SES of each runtime: the partner's location contacts
 * when a lead arrives, the customer when the partner declines, the sender when a lead expires;
 * each once, with user-supplied values escaped in HTML and no CR/LF in any header.
 */
import {
  acceptBody,
  call,
  confirmAddresses,
  type Email,
  emails,
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

function expectCleanHeaders(email: Email) {
  expect(email.subject).not.toMatch(/[\r\n]/);
  for (const address of [email.from, ...email.destination.to]) expect(address).not.toMatch(/[\r\n]/);
}

describe('notifications', () => {
  it.concurrent('a declined lead emails its customer once, with values escaped', async () => {
    const partnerId = uniquePartner();
    const customerEmail = `ana-${tag()}@fabrikam.example`;
    const body = leadBody(partnerId, {
      customer: {
        companyName: 'Fabrikam <b>Ltd</b> & Co',
        contactName: 'Ana <script>alert(1)</script>',
        email: customerEmail,
        country: 'IT',
      },
    });
    const posted = await post<PartnerLead>('/v1/leads', body, { token: await sender() });
    expect(posted.status).toBe(201);
    const token = await partner(partnerId);
    const declined = await post(`/v1/leads/${posted.body.id}/decline`, { reason: 'no-capacity' }, { token });
    expect(declined.status).toBe(200);

    const found = await waitForEmails(urls.mainSes, to(customerEmail));
    expect(found).toHaveLength(1);
    const email = found[0]!;
    expectCleanHeaders(email);
    expect(email.body.text ?? email.body.html).toBeTruthy();
    if (email.body.html) {
      expect(email.body.html).not.toContain('<script>');
      expect(email.body.html).not.toContain('<b>Ltd</b>');
    }
    // Delivered once, even after the stream has had time to redeliver.
    await sleep(1500);
    expect(await emails(urls.mainSes, to(customerEmail))).toHaveLength(1);
  });

  it.concurrent("an accepted lead does not email the customer; the partner's location contacts hear of new leads", async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const alerts = `alerts-${tag()}@contoso.example`;
    const profile = await call('PUT', '/v1/profile', {
      token,
      body: {
        keywords: ['erp'],
        locations: [{ name: 'Milano', country: 'IT', contacts: [{ name: 'Desk', email: alerts }] }],
      },
    });
    expect(profile.status).toBe(200);
    await confirmAddresses(urls.mainSes, [alerts]);

    const customerEmail = `luca-${tag()}@fabrikam.example`;
    const lead = leadBody(partnerId, {
      contactRequested: true,
      customer: { companyName: 'Fabrikam', contactName: 'Luca', email: customerEmail, country: 'IT' },
    });
    const posted = await post<PartnerLead>('/v1/leads', lead, { token: await sender() });
    expect(posted.status).toBe(201);
    const arrived = await waitForEmails(urls.mainSes, (e) => to(alerts)(e) && mentions(posted.body.id)(e));
    expect(arrived).toHaveLength(1);
    expectCleanHeaders(arrived[0]!);

    expect((await post(`/v1/leads/${posted.body.id}/accept`, acceptBody(), { token })).status).toBe(200);
    await sleep(1500);
    expect(await emails(urls.mainSes, to(customerEmail))).toEqual([]);
  });

  it.concurrent('an expired lead emails its sender once (short runtime)', async () => {
    const partnerId = uniquePartner();
    const posted = await post<PartnerLead>('/v1/leads', leadBody(partnerId), {
      token: await sender('fabrikam-referrals'),
      base: urls.short,
    });
    expect(posted.status).toBe(201);
    const id = posted.body.id;
    // The window is 4 s; the TTL archiver or the reconciler (every 5 s) archives it soon after.
    const found = await waitForEmails(
      urls.shortSes,
      (e) => to('referrals@fabrikam.example')(e) && mentions(id)(e),
      1,
      20_000,
    );
    expect(found).toHaveLength(1);
    expectCleanHeaders(found[0]!);
    await sleep(1500);
    expect(
      await emails(urls.shortSes, (e) => to('referrals@fabrikam.example')(e) && mentions(id)(e)),
    ).toHaveLength(1);
  });
});
