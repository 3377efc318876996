/** The deal's fields, shared by accepting a lead and editing its deal. */
import { Field, Input, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import type { Deal } from '../api/types.js';
import type { FormErrors } from '../shared/form-errors.js';
import { MoneyFields, type MoneyInput, moneyInput } from '../shared/money-fields.js';

export interface DealInput {
  name: string;
  value: MoneyInput;
  closeDate: string;
  notes: string;
  crmId: string;
  campaignId: string;
}

export const dealInput = (deal: Deal | null, name = ''): DealInput => ({
  name: deal?.name ?? name,
  value: moneyInput(deal?.value),
  closeDate: deal?.estimatedCloseDate ?? '',
  notes: deal?.notes ?? '',
  crmId: deal?.crmId ?? '',
  campaignId: deal?.campaignId ?? '',
});

const useStyles = makeStyles({
  pair: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    alignItems: 'start',
    gap: tokens.spacingHorizontalM,
  },
});

export function DealFields({
  value,
  onChange,
  errors,
}: {
  value: DealInput;
  onChange(value: DealInput): void;
  errors: FormErrors;
}) {
  const styles = useStyles();
  const set = (change: Partial<DealInput>) => onChange({ ...value, ...change });
  return (
    <>
      <Field label="Deal name" required {...errors.field('deal.name')}>
        <Input value={value.name} onChange={(_, d) => set({ name: d.value })} />
      </Field>
      <MoneyFields
        label="Estimated value"
        path="deal.value"
        value={value.value}
        onChange={(money) => set({ value: money })}
        errors={errors}
        required
      />
      <Field label="Estimated close date" required {...errors.field('deal.estimatedCloseDate')}>
        <Input type="date" value={value.closeDate} onChange={(_, d) => set({ closeDate: d.value })} />
      </Field>
      <Field
        label="Notes"
        hint="What the customer is looking for, in more detail"
        {...errors.field('deal.notes')}
      >
        <Textarea value={value.notes} onChange={(_, d) => set({ notes: d.value })} resize="vertical" />
      </Field>
      <div className={styles.pair}>
        <Field label="CRM id" hint="For your reference only" {...errors.field('deal.crmId')}>
          <Input value={value.crmId} onChange={(_, d) => set({ crmId: d.value })} />
        </Field>
        <Field label="Marketing campaign id" {...errors.field('deal.campaignId')}>
          <Input value={value.campaignId} onChange={(_, d) => set({ campaignId: d.value })} />
        </Field>
      </div>
    </>
  );
}
