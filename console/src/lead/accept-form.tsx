/** Accept: the deal (name, estimated value, close date; notes, CRM and campaign ids) and extra partner contacts. */
import { useState } from 'react';
import type { AcceptRequest, FieldProblem } from '../api/types.js';
import { ActionForm, required } from '../shared/action-form.js';
import { type ContactInput, ContactsEditor, contactOf } from '../shared/contacts-editor.js';
import { moneyOf } from '../shared/money-fields.js';
import { DealFields, dealInput } from './deal-fields.js';
import { type LeadFormProps, useLeadAction } from './use-lead-action.js';

const filled = (value: string) => value.trim() !== '';

export function AcceptForm(props: LeadFormProps) {
  const { lead } = props;
  const [deal, setDeal] = useState(
    dealInput(null, `${lead.customer.companyName}: ${lead.need.title}`.slice(0, 200)),
  );
  const [contacts, setContacts] = useState<ContactInput[]>([]);
  const action = useLeadAction(props, (api, id, body: AcceptRequest, version) =>
    api.accept(id, body, version),
  );

  function submit() {
    const value = moneyOf(deal.value);
    const missing: FieldProblem[] = [
      ...required('deal.name', deal.name),
      ...(value ? [] : [{ path: 'deal.value.amount', message: 'Required.' }]),
      ...required('deal.estimatedCloseDate', deal.closeDate),
    ];
    if (!value || missing.length > 0) return action.refuse(missing);
    action.send({
      deal: {
        name: deal.name.trim(),
        value,
        estimatedCloseDate: deal.closeDate,
        ...(filled(deal.notes) ? { notes: deal.notes.trim() } : {}),
        ...(filled(deal.crmId) ? { crmId: deal.crmId.trim() } : {}),
        ...(filled(deal.campaignId) ? { campaignId: deal.campaignId.trim() } : {}),
      },
      ...(contacts.length > 0 ? { contacts: contacts.map(contactOf) } : {}),
    });
  }

  return (
    <ActionForm
      title="Accept the lead"
      submitLabel="Accept lead"
      onSubmit={submit}
      claimed={['deal', 'contacts']}
      {...action.form}
    >
      <DealFields value={deal} onChange={setDeal} errors={action.errors} />
      <ContactsEditor
        title="Extra contacts from your company"
        label="Contact"
        path="contacts"
        contacts={contacts}
        onChange={setContacts}
        errors={action.errors}
      />
    </ActionForm>
  );
}
