/**
 * What every action form on a lead shares: the call with the version the user saw (If-Match), the
 * refresh of what the change touched, and the refusal in words, whether the browser or the API
 * refused it.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { useLeadChanged } from '../api/queries.js';
import type { FieldProblem, PartnerLead } from '../api/types.js';
import { localProblem } from '../shared/action-form.js';
import { useConsole } from '../shared/console-context.js';
import { formErrors } from '../shared/form-errors.js';

/** The props of every action form on a lead. */
export interface LeadFormProps {
  lead: PartnerLead;
  onDone(lead: PartnerLead): void;
  onCancel(): void;
}

export function useLeadAction<B>(
  { lead, onDone, onCancel }: LeadFormProps,
  call: (api: ApiClient, id: string, body: B, version: number) => Promise<PartnerLead>,
) {
  const { api } = useConsole();
  const changed = useLeadChanged();
  const [refusal, setRefusal] = useState<unknown>();
  const mutation = useMutation({
    mutationFn: (body: B) => call(api, lead.id, body, lead.version),
    onSuccess: (updated) => {
      changed(updated);
      onDone(updated);
    },
  });
  const error = refusal ?? mutation.error;
  return {
    errors: formErrors(error),
    /** Props for ActionForm: the state of the call and how to cancel. */
    form: { pending: mutation.isPending, error, onCancel },
    send(body: B) {
      setRefusal(undefined);
      mutation.mutate(body);
    },
    /** Refused before sending, with the fields at fault (or none, and a title saying why). */
    refuse(problems: FieldProblem[], title?: string) {
      setRefusal(localProblem(problems, title));
    },
  };
}
