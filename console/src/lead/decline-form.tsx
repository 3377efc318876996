/** Decline: a reason and notes (required with "other"); the customer is told to choose another partner. */
import { Field, Select, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import type { DeclineReason, DeclineRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { declineReasonLabels, keysOf } from '../shared/labels.js';
import { type LeadFormProps, useLeadAction } from './use-lead-action.js';

const reasons = keysOf(declineReasonLabels);

export function DeclineForm(props: LeadFormProps) {
  const [reason, setReason] = useState<DeclineReason | ''>('');
  const [notes, setNotes] = useState('');
  const action = useLeadAction(props, (api, id, body: DeclineRequest, version) =>
    api.decline(id, body, version),
  );

  function submit() {
    if (reason === '') return action.refuse([{ path: 'reason', message: 'Choose a reason.' }]);
    action.send({ reason, ...(notes.trim() ? { notes: notes.trim() } : {}) });
  }

  return (
    <ActionForm
      title="Decline the lead"
      submitLabel="Decline lead"
      onSubmit={submit}
      claimed={['reason', 'notes']}
      {...action.form}
    >
      <Field
        label="Reason"
        required
        hint="The customer is emailed to choose another partner."
        {...action.errors.field('reason')}
      >
        <Select value={reason} onChange={(_, d) => setReason(reasons.find((r) => r === d.value) ?? '')}>
          <option value="" disabled>
            Choose a reason
          </option>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {declineReasonLabels[r]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Notes" required={reason === 'other'} {...action.errors.field('notes')}>
        <Textarea value={notes} onChange={(_, d) => setNotes(d.value)} resize="vertical" />
      </Field>
    </ActionForm>
  );
}
