/**
 * The email each lead notification becomes (SPEC §6): who receives it (the partner's confirmed
 * contacts, the customer, the sender), never a suppressed address, at most 50, each once, and
 * the exact message the durable queue is given.
 */
import type { Lead, Sender } from '../../functions/domain/lead.js';
import {
  MAX_RECIPIENTS,
  NotificationService,
  type RecipientDirectory,
} from '../../functions/domain/notification-service.js';
import type { NotificationKind } from '../../functions/domain/notifications.js';
import { at, commands, received, run } from '../support/leads.js';

const sender: Sender = {
  id: 'microsoft-marketing',
  kind: 'microsoft',
  name: 'Microsoft Marketing',
  notificationEmail: 'Leads@Microsoft.example',
};

function directory(contacts: string[], suppressed: string[] = [], known: Sender | null = sender) {
  const asked: unknown[][] = [];
  const recipients: RecipientDirectory = {
    alertRecipients: async (partnerId) => {
      asked.push(['alertRecipients', partnerId]);
      return contacts;
    },
    sender: async (senderId) => {
      asked.push(['sender', senderId]);
      return known ?? undefined;
    },
    suppressed: async (addresses) => {
      asked.push(['suppressed', addresses]);
      return new Set(suppressed);
    },
  };
  return { recipients, asked };
}

const render = (kind: NotificationKind, lead: Lead) => ({
  subject: `${kind} ${lead.id}`,
  text: 'text',
  html: '<p>html</p>',
});
const compose = (recipients: RecipientDirectory, kind: NotificationKind, lead: Lead) =>
  new NotificationService(recipients, render, () => at(5000)).compose({ kind, lead });

describe('NotificationService.compose', () => {
  it("tells the partner's contacts of a new lead: lower-cased, once each, in a message keyed on the lead", async () => {
    const lead = received();
    const { recipients, asked } = directory([
      'Ana@Contoso.example',
      'ana@contoso.example',
      'luca@contoso.example',
    ]);
    expect(await compose(recipients, 'lead-received', lead)).toEqual({
      version: 1,
      key: { type: 'lead', leadId: lead.id, kind: 'lead-received' },
      to: ['ana@contoso.example', 'luca@contoso.example'],
      subject: `lead-received ${lead.id}`,
      text: 'text',
      html: '<p>html</p>',
      tags: { notification: 'lead-received' },
      queuedAt: at(5000).toISOString(),
    });
    expect(asked).toEqual([
      ['alertRecipients', 'contoso'],
      ['suppressed', ['ana@contoso.example', 'luca@contoso.example']],
    ]);
  });

  it('reminds the same contacts, and leaves out suppressed ones', async () => {
    const { recipients } = directory(
      ['ana@contoso.example', 'luca@contoso.example'],
      ['ana@contoso.example'],
    );
    const message = await compose(recipients, 'lead-reminder', received());
    expect(message?.to).toEqual(['luca@contoso.example']);
    expect(message?.key).toEqual({ type: 'lead', leadId: received().id, kind: 'lead-reminder' });
    expect(message?.tags).toEqual({ notification: 'lead-reminder' });
  });

  it('tells the customer of a decline, unless the customer was erased', async () => {
    const declined = run(received(), commands.decline);
    const { recipients, asked } = directory(['ana@contoso.example']);
    expect((await compose(recipients, 'lead-declined', declined))?.to).toEqual(['ana@fabrikam.example']);
    expect(asked).toEqual([['suppressed', ['ana@fabrikam.example']]]);
    const erased = directory([]);
    expect(
      await compose(erased.recipients, 'lead-declined', { ...declined, erasedAt: at(2000).toISOString() }),
    ).toBeUndefined();
    expect(erased.asked).toEqual([]);
  });

  it('tells the sender of an expiry at its notification address, and nobody when the sender is unknown', async () => {
    const expired = run(received(), commands.expire, at(15 * 86_400_000));
    const { recipients, asked } = directory([]);
    expect((await compose(recipients, 'lead-expired', expired))?.to).toEqual(['leads@microsoft.example']);
    expect(asked[0]).toEqual(['sender', 'microsoft-marketing']);
    const unknown = directory([], [], null);
    expect(await compose(unknown.recipients, 'lead-expired', expired)).toBeUndefined();
    expect(unknown.asked).toEqual([['sender', 'microsoft-marketing']]);
  });

  it('sends nothing when every recipient is suppressed or there is none', async () => {
    expect(
      await compose(
        directory(['ana@contoso.example'], ['ana@contoso.example']).recipients,
        'lead-received',
        received(),
      ),
    ).toBeUndefined();
    expect(await compose(directory([]).recipients, 'lead-received', received())).toBeUndefined();
  });

  it(`addresses at most ${MAX_RECIPIENTS} recipients, the first ones`, async () => {
    const contacts = Array.from({ length: MAX_RECIPIENTS + 5 }, (_, i) => `c${i}@contoso.example`);
    const message = await compose(directory(contacts).recipients, 'lead-received', received());
    expect(message?.to).toEqual(contacts.slice(0, MAX_RECIPIENTS));
  });
});
