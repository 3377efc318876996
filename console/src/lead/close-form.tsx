/** Won or lost: optional notes and final value; the lead is archived. */
import { Field, Text, Textarea } from '@fluentui/react-components';
import { useState } from 'react';
import type { CloseRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { MoneyFields, moneyInput, moneyOf } from '../shared/money-fields.js';
import { type LeadFormProps, useLeadAction } from './use-lead-action.js';

export function CloseForm(props: LeadFormProps & { outcome: 'won' | 'lost' }) {
  const { lead, outcome } = props;
  const [notes, setNotes] = useState('');
  const [finalValue, setFinalValue] = useState(moneyInput(null, lead.deal?.value.currency));
  const action = useLeadAction(props, (api, id, body: CloseRequest, version) =>
    api.close(id, outcome, body, version),
  );
  const won = outcome === 'won';

  function submit() {
    const money = moneyOf(finalValue);
    action.send({
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(money ? { finalValue: money } : {}),
    });
  }

  return (
    <ActionForm
      title={won ? 'Mark the deal as won' : 'Mark the deal as lost'}
      submitLabel={won ? 'Mark as won' : 'Mark as lost'}
      onSubmit={submit}
      claimed={['notes', 'finalValue']}
      {...action.form}
    >
      <Text as="p">The lead is archived and becomes read-only.</Text>
      <MoneyFields
        label={won ? 'Final value (if not the estimate)' : 'Final value (optional)'}
        path="finalValue"
        value={finalValue}
        onChange={setFinalValue}
        errors={action.errors}
      />
      <Field label="Notes" {...action.errors.field('notes')}>
        <Textarea value={notes} onChange={(_, d) => setNotes(d.value)} resize="vertical" />
      </Field>
    </ActionForm>
  );
}
