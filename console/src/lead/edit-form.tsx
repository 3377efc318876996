/** Edit an accepted lead's deal: only what changed is sent; an emptied optional field is cleared. */
import { useState } from 'react';
import type { EditRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { moneyOf } from '../shared/money-fields.js';
import { DealFields, dealInput } from './deal-fields.js';
import { type LeadFormProps, useLeadAction } from './use-lead-action.js';

/** An optional text's change: unchanged is not sent, emptied is cleared (null). */
const textChange = (now: string, before: string | undefined) =>
  now.trim() === (before ?? '') ? undefined : now.trim() === '' ? null : now.trim();

export function EditForm(props: LeadFormProps) {
  const before = props.lead.deal;
  const [deal, setDeal] = useState(dealInput(before));
  const action = useLeadAction(props, (api, id, body: EditRequest, version) => api.edit(id, body, version));

  function submit() {
    const changes: EditRequest['deal'] = {};
    if (deal.name.trim() !== before?.name) changes.name = deal.name.trim();
    const value = moneyOf(deal.value);
    if (value && (value.amount !== before?.value.amount || value.currency !== before?.value.currency)) {
      changes.value = value;
    }
    if (deal.closeDate !== before?.estimatedCloseDate) changes.estimatedCloseDate = deal.closeDate;
    const notes = textChange(deal.notes, before?.notes);
    if (notes !== undefined) changes.notes = notes;
    const crmId = textChange(deal.crmId, before?.crmId);
    if (crmId !== undefined) changes.crmId = crmId;
    const campaignId = textChange(deal.campaignId, before?.campaignId);
    if (campaignId !== undefined) changes.campaignId = campaignId;
    if (Object.keys(changes).length === 0) return action.refuse([], 'Nothing has changed');
    action.send({ deal: changes });
  }

  return (
    <ActionForm
      title="Edit the deal"
      submitLabel="Save changes"
      onSubmit={submit}
      claimed={['deal']}
      {...action.form}
    >
      <DealFields value={deal} onChange={setDeal} errors={action.errors} />
    </ActionForm>
  );
}
