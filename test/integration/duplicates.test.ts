/**
 * Possible duplicates over HTTP (SPEC §7.4): the same customer sent by two senders is flagged to
 * the partner, never to either sender; a similar company at the same work domain is flagged too,
 * a free-mail domain alone is not, and archived leads are not.
 */
import {
  createLead,
  get,
  type JsonObject,
  leadBody,
  type PartnerLead,
  partner,
  post,
  sender,
  tag,
  uniquePartner,
} from './helpers.js';

interface Flagged extends PartnerLead {
  possibleDuplicates: Array<{ leadId: string; senderId: string; receivedAt: string; match: string }>;
}

const customer = (email: string, companyName: string): JsonObject => ({
  customer: { companyName, contactName: 'Ana Rossi', email, country: 'IT', companySize: '50-249' },
});

describe('possible duplicates', () => {
  it('flags the same customer sent by two senders to the partner, and never to either sender', async () => {
    const partnerId = uniquePartner();
    const domain = `fabrikam-${tag()}.example`;
    const token = await partner(partnerId);
    const first = await createLead(partnerId, customer(`ana@${domain}`, 'Fabrikam Ltd'), {
      senderId: 'microsoft-marketing',
    });
    const secondPost = await post<JsonObject>(
      '/v1/leads',
      leadBody(partnerId, customer(`ANA@${domain.toUpperCase()}`, 'Fabrikam')),
      {
        token: await sender('fabrikam-referrals'),
      },
    );
    expect(secondPost.status).toBe(201);
    const second = String(secondPost.body.id);

    const firstView = await get<Flagged>(`/v1/leads/${first}`, { token });
    expect(firstView.body.possibleDuplicates).toEqual([]);
    const secondView = await get<Flagged>(`/v1/leads/${second}`, { token });
    expect(secondView.body.possibleDuplicates).toEqual([
      {
        leadId: first,
        senderId: 'microsoft-marketing',
        receivedAt: firstView.body.receivedAt,
        match: 'email',
      },
    ]);
    // The partner's list shows the flag too.
    const list = await get<{ items: Flagged[] }>('/v1/leads', { token });
    expect(list.body.items.find((l) => l.id === second)?.possibleDuplicates).toHaveLength(1);

    // Neither sender ever sees it: not in the POST answer, not in its views or lists.
    expect(secondPost.body).not.toHaveProperty('possibleDuplicates');
    for (const [senderId, id] of [
      ['fabrikam-referrals', second],
      ['microsoft-marketing', first],
    ] as const) {
      const view = await get(`/v1/sent-leads/${id}`, { token: await sender(senderId) });
      expect(view.status).toBe(200);
      expect(view.text).not.toContain('possibleDuplicates');
      expect(view.body).toMatchObject({
        customer: expect.any(Object),
        need: expect.any(Object),
        contactRequested: true,
      });
      const sent = await get('/v1/sent-leads?limit=5', { token: await sender(senderId) });
      expect(sent.text).not.toContain('possibleDuplicates');
    }
  });

  it('flags a similar company at the same work domain, not a shared free-mail domain nor an archived lead', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const domain = `contoso-${tag()}.example`;
    const open = await createLead(partnerId, customer(`luca@${domain}`, 'Contoso S.p.A.'));
    const declined = await createLead(partnerId, customer(`marta@${domain}`, 'Contoso'), {
      senderId: 'fabrikam-referrals',
    });
    expect((await post(`/v1/leads/${declined}/decline`, { reason: 'duplicate' }, { token })).status).toBe(
      200,
    );
    await createLead(partnerId, customer(`someone-${tag()}@gmail.com`, 'Contoso'));

    const colleague = await createLead(partnerId, customer(`giulia@${domain}`, 'CONTOSO spa'), {
      senderId: 'fabrikam-referrals',
    });
    const flagged = await get<Flagged>(`/v1/leads/${colleague}`, { token });
    expect(flagged.body.possibleDuplicates.map((d) => [d.leadId, d.match])).toEqual([[open, 'company']]);

    const otherCompany = await createLead(partnerId, customer(`ceo@${domain}`, 'Northwind Traders'));
    expect((await get<Flagged>(`/v1/leads/${otherCompany}`, { token })).body.possibleDuplicates).toEqual([]);

    const gmail = await createLead(partnerId, customer(`other-${tag()}@gmail.com`, 'Contoso'));
    expect((await get<Flagged>(`/v1/leads/${gmail}`, { token })).body.possibleDuplicates).toEqual([]);
  });
});
