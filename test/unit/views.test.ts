import { alertOf, asOf, historyView, partnerView, senderView } from '../../functions/domain/views.js';
import { at, commands, received, run, windows } from '../support/leads.js';

describe('read-time rules', () => {
  it('contact-now for the first window after receipt, then contact-requested, then nothing once answered', () => {
    const lead = received({ contactRequested: true });
    expect(alertOf(lead, at(0), windows)).toBe('contact-now');
    expect(alertOf(lead, at(windows.contactNowMs - 1), windows)).toBe('contact-now');
    expect(alertOf(lead, at(windows.contactNowMs), windows)).toBe('contact-requested');
    expect(alertOf(run(lead, commands.accept), at(1), windows)).toBeNull();
    expect(alertOf(lead, at(windows.responseMs), windows)).toBeNull();
    expect(alertOf(received({ contactRequested: false }), at(0), windows)).toBeNull();
  });

  it('an overdue received lead reads as archived/expired, with the expiry in its history', () => {
    const lead = received();
    expect(asOf(lead, at(windows.responseMs - 1)).stage).toBe('received');
    const late = asOf(lead, at(windows.responseMs));
    expect(late).toMatchObject({ stage: 'archived', outcome: 'expired', archivedAt: lead.respondBy });
    expect(historyView(lead, at(windows.responseMs)).at(-1)).toMatchObject({
      action: 'expire',
      at: lead.respondBy,
    });
  });

  it('the partner view has the tab and per-user favorite', () => {
    const lead = { ...received({ type: 'sales-qualified' }), favoritedBy: ['user-1'] };
    expect(partnerView(lead, at(1), windows, 'user-1')).toMatchObject({
      tab: 'qualified',
      favorite: true,
      version: 1,
    });
    expect(partnerView(lead, at(1), windows, 'user-2').favorite).toBe(false);
    expect(partnerView(lead, at(1), windows, 'user-1')).not.toHaveProperty('favoritedBy');
    expect(partnerView(lead, at(1), windows, 'user-1')).not.toHaveProperty('history');
  });

  it('the sender view shows what it sent, never partner notes, contacts, CRM ids or duplicate flags', () => {
    const accepted = run(received(), {
      action: 'accept',
      deal: {
        name: 'D',
        value: { amount: 1, currency: 'EUR' },
        estimatedCloseDate: '2027-01-01',
        notes: 'secret',
        crmId: 'CRM',
      },
      contacts: [{ name: 'Luca', email: 'luca@contoso.example' }],
    });
    const view = senderView(accepted, at(2));
    expect(view.deal).toEqual({
      name: 'D',
      value: { amount: 1, currency: 'EUR' },
      estimatedCloseDate: '2027-01-01',
    });
    // What the sender sent, it sees again.
    expect(view).toMatchObject({ customer: accepted.customer, need: accepted.need, contactRequested: true });
    const flagged = {
      ...accepted,
      possibleDuplicates: [
        { leadId: 'L0', senderId: 's', receivedAt: at(0).toISOString(), match: 'email' as const },
      ],
    };
    const text = JSON.stringify(senderView(flagged, at(2)));
    for (const secret of [
      'secret',
      'CRM',
      'luca@contoso.example',
      '"contacts"',
      'possibleDuplicates',
      'L0',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
