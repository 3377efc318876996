/**
 * SPEC §6 end to end on the local runtime: only confirmed recipients get alerts, a bounce
 * suppresses an address and the profile shows it, confirmation links are single use, and an
 * email that failed while SES was down is delivered exactly once after it recovers.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sesEvent } from '../../local/ses.js';
import {
  call,
  confirmationLink,
  emails,
  get,
  leadBody,
  mentions,
  type PartnerLead,
  partner,
  post,
  sender,
  sesOutage,
  sleep,
  tag,
  to,
  uniquePartner,
  urls,
  waitForEmails,
} from './helpers.js';

type ProfileView = { locations: Array<{ contacts: Array<{ email: string; status: string }> }> };
const statuses = async (token: string) => {
  const reply = await get<ProfileView>('/v1/profile', { token });
  return Object.fromEntries(reply.body.locations.flatMap((l) => l.contacts.map((c) => [c.email, c.status])));
};
const saveContacts = async (token: string, addresses: string[]) => {
  const reply = await call<ProfileView>('PUT', '/v1/profile', {
    token,
    body: {
      locations: [
        {
          name: 'Milano',
          country: 'IT',
          contacts: addresses.map((email, i) => ({ name: `Desk ${i}`, email })),
        },
      ],
    },
  });
  expect(reply.status).toBe(200);
  return reply;
};
const alertsFor = (address: string, leadId: string) => (e: Parameters<ReturnType<typeof to>>[0]) =>
  to(address)(e) && mentions(leadId)(e) && /New lead/.test(e.subject);

describe('only confirmed recipients', () => {
  it.concurrent('a new contact gets no alert until it confirms its address, then gets them', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const desk = `desk-${tag()}@contoso.example`;
    const saved = await saveContacts(token, [desk]);
    expect(saved.body.locations[0]!.contacts[0]).toMatchObject({ email: desk, status: 'pending' });

    const link = await confirmationLink(urls.mainSes, desk);
    expect(link).toMatch(
      new RegExp(`^${urls.main.replace('127.0.0.1', 'localhost')}/v1/contacts/confirm\\?token=`),
    );
    const before = await post<PartnerLead>('/v1/leads', leadBody(partnerId), { token: await sender() });
    await sleep(2500);
    expect(await emails(urls.mainSes, alertsFor(desk, before.body.id))).toEqual([]);

    // Opened as its owner would: the link works once.
    const confirmed = await fetch(link!.replace('localhost', '127.0.0.1'));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ status: 'confirmed', partnerId, email: desk });
    const again = await fetch(link!.replace('localhost', '127.0.0.1'));
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: 'confirmation-link-invalid' });
    expect(await statuses(token)).toEqual({ [desk]: 'confirmed' });

    const after = await post<PartnerLead>('/v1/leads', leadBody(partnerId), { token: await sender() });
    expect(await waitForEmails(urls.mainSes, alertsFor(desk, after.body.id))).toHaveLength(1);
    // Saving the profile again sends no second confirmation.
    await saveContacts(token, [desk]);
    await sleep(1500);
    expect(await emails(urls.mainSes, (e) => to(desk)(e) && /^Confirm/.test(e.subject))).toHaveLength(1);
  }, 40_000);

  it.concurrent('a made-up or malformed token confirms nothing', async () => {
    const unknown = await get(`/v1/contacts/confirm?token=${'A'.repeat(43)}`);
    expect(unknown).toMatchObject({ status: 404, body: { code: 'confirmation-link-invalid' } });
    const malformed = await get('/v1/contacts/confirm?token=short');
    expect(malformed).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
  });

  it.concurrent('a bounced address is suppressed: the profile shows it and it gets no more alerts', async () => {
    const partnerId = uniquePartner();
    const token = await partner(partnerId);
    const [bounces, stays] = [`gone-${tag()}@contoso.example`, `stays-${tag()}@contoso.example`];
    await saveContacts(token, [bounces, stays]);
    for (const address of [bounces, stays]) {
      const link = await confirmationLink(urls.mainSes, address);
      expect((await fetch(link!.replace('localhost', '127.0.0.1'))).status).toBe(200);
    }
    // What SES would publish for a hard bounce, on the same queue EventBridge feeds on AWS.
    const sqs = new SQSClient({
      endpoint: urls.mainSqs,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${urls.mainSqs}/000000000000/ses-events`,
        MessageBody: JSON.stringify(sesEvent('bounce', bounces.toUpperCase())),
      }),
    );
    const deadline = Date.now() + 10_000;
    while ((await statuses(token))[bounces] !== 'suppressed' && Date.now() < deadline) await sleep(250);
    expect(await statuses(token)).toEqual({ [bounces]: 'suppressed', [stays]: 'confirmed' });

    const lead = await post<PartnerLead>('/v1/leads', leadBody(partnerId), { token: await sender() });
    const [alert] = await waitForEmails(urls.mainSes, alertsFor(stays, lead.body.id));
    expect(alert!.destination.to).toEqual([stays]);
  }, 40_000);
});

describe('durable delivery', () => {
  it.concurrent('an email that failed while SES was down is delivered exactly once after SES recovers', async () => {
    const partnerId = uniquePartner();
    const customer = `outage-${tag()}@fabrikam.example`;
    // Only this test's mail fails: SendEmail calls to this customer are dropped as if SES were stopped.
    await sesOutage(urls.mainSes, 'start', customer);
    try {
      const posted = await post<PartnerLead>(
        '/v1/leads',
        leadBody(partnerId, {
          customer: { companyName: 'Fabrikam', contactName: 'Ana', email: customer, country: 'IT' },
        }),
        { token: await sender() },
      );
      const token = await partner(partnerId);
      expect(
        (await post(`/v1/leads/${posted.body.id}/decline`, { reason: 'no-capacity' }, { token })).status,
      ).toBe(200);
      await sleep(5000);
      expect(await emails(urls.mainSes, to(customer))).toEqual([]);
      const during = await sesOutage(urls.mainSes, 'status');
      const refused = during.outages.find((o) => o.match === customer)?.refused ?? 0;
      // Tried, and tried again with backoff (the SDK's own attempts plus the queue's redeliveries).
      expect(refused).toBeGreaterThanOrEqual(2);
    } finally {
      await sesOutage(urls.mainSes, 'stop');
    }
    const delivered = await waitForEmails(urls.mainSes, to(customer), 1, 15_000);
    expect(delivered).toHaveLength(1);
    await sleep(3000);
    expect(await emails(urls.mainSes, to(customer))).toHaveLength(1);
  }, 40_000);
});
