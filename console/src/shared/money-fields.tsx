/** An amount and its ISO 4217 currency, side by side (stacked on a phone). */
import { Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import type { Money } from '../api/types.js';
import type { FormErrors } from './form-errors.js';
import { currencyCodes } from './format.js';

const useStyles = makeStyles({
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 1fr)',
    gap: tokens.spacingHorizontalM,
    '@media (max-width: 480px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
});

export interface MoneyInput {
  amount: string;
  currency: string;
}

export const moneyInput = (money: Money | null | undefined, currency = 'EUR'): MoneyInput => ({
  amount: money ? String(money.amount) : '',
  currency: money?.currency ?? currency,
});

/** The amount as a number, or undefined when left empty (a non-number is left for the API to refuse). */
export function moneyOf(input: MoneyInput): Money | undefined {
  if (input.amount.trim() === '') return undefined;
  return { amount: Number(input.amount), currency: input.currency };
}

let codes: string[] | undefined;

export function MoneyFields({
  label,
  path,
  value,
  onChange,
  errors,
  required,
}: {
  label: string;
  /** Where the API reports this value's errors, e.g. `deal.value`. */
  path: string;
  value: MoneyInput;
  onChange(value: MoneyInput): void;
  errors: FormErrors;
  required?: boolean;
}) {
  const styles = useStyles();
  codes ??= currencyCodes();
  const amountErrors = errors.field(`${path}.amount`);
  const whole = errors.field(path);
  return (
    <div className={styles.row}>
      <Field
        label={label}
        required={required ?? false}
        {...(amountErrors.validationMessage ? amountErrors : whole)}
      >
        <Input
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={value.amount}
          onChange={(_, data) => onChange({ ...value, amount: data.value })}
        />
      </Field>
      <Field label="Currency" required={required ?? false} {...errors.field(`${path}.currency`)}>
        <Select value={value.currency} onChange={(_, data) => onChange({ ...value, currency: data.value })}>
          {codes.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
