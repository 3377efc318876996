/** Rows of people (name, email and, where asked, phone), each removable, with a button to add one more. */
import { Button, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { type ReactNode, useId } from 'react';
import type { FormErrors } from './form-errors.js';

export interface ContactInput {
  name: string;
  email: string;
  phone: string;
}

export const emptyContact = (): ContactInput => ({ name: '', email: '', phone: '' });

/** A contact as the API takes it: an empty phone is left out. */
export const contactOf = (c: ContactInput) => ({
  name: c.name.trim(),
  email: c.email.trim(),
  ...(c.phone.trim() ? { phone: c.phone.trim() } : {}),
});

const useStyles = makeStyles({
  group: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: 0,
    padding: 0,
    border: 'none',
    minWidth: 0,
  },
  title: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold },
  fieldset: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: tokens.spacingHorizontalM,
    margin: 0,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    minWidth: 0,
  },
  field: { flex: '1 1 180px', minWidth: 0 },
  // Level with the inputs, below their labels, whether or not a field shows an error.
  remove: { marginTop: '26px' },
  legend: { padding: `0 ${tokens.spacingHorizontalXS}`, fontWeight: tokens.fontWeightSemibold },
  error: { color: tokens.colorPaletteRedForeground1 },
});

export function ContactsEditor({
  title,
  label,
  path,
  contacts,
  onChange,
  errors,
  withPhone = true,
  extra,
  min = 0,
}: {
  /** What the whole list is called. */
  title: string;
  /** What one row is called ("Contact", "Partner contact"). */
  label: string;
  /** Where the API reports the rows' errors, e.g. `contacts` (then `contacts.0.email`). */
  path: string;
  contacts: ContactInput[];
  onChange(contacts: ContactInput[]): void;
  errors: FormErrors;
  withPhone?: boolean;
  /** Something more to show in a row (a contact's confirmation status). */
  extra?: (index: number) => ReactNode;
  min?: number;
}) {
  const styles = useStyles();
  const errorId = useId();
  const listError = errors.field(path).validationMessage;
  const set = (index: number, change: Partial<ContactInput>) =>
    onChange(contacts.map((c, i) => (i === index ? { ...c, ...change } : c)));
  return (
    <fieldset className={styles.group} {...(listError ? { 'aria-describedby': errorId } : {})}>
      <legend className={styles.title}>{title}</legend>
      {listError && (
        <Text id={errorId} className={styles.error}>
          {listError}
        </Text>
      )}
      {contacts.map((contact, index) => {
        const name = `${label} ${index + 1}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <fieldset key={index} className={styles.fieldset}>
            <legend className={styles.legend}>{name}</legend>
            <Field className={styles.field} label="Name" required {...errors.field(`${path}.${index}.name`)}>
              <Input
                value={contact.name}
                onChange={(_, d) => set(index, { name: d.value })}
                autoComplete="off"
              />
            </Field>
            <Field
              className={styles.field}
              label="Email"
              required
              {...errors.field(`${path}.${index}.email`)}
            >
              <Input
                type="email"
                value={contact.email}
                onChange={(_, d) => set(index, { email: d.value })}
                autoComplete="off"
              />
            </Field>
            {withPhone && (
              <Field className={styles.field} label="Phone" {...errors.field(`${path}.${index}.phone`)}>
                <Input
                  type="tel"
                  value={contact.phone}
                  onChange={(_, d) => set(index, { phone: d.value })}
                  autoComplete="off"
                />
              </Field>
            )}
            {extra?.(index)}
            <Button
              className={styles.remove}
              icon={<DeleteRegular />}
              aria-label={`Remove ${name.toLowerCase()}`}
              disabled={contacts.length <= min}
              onClick={() => onChange(contacts.filter((_, i) => i !== index))}
            />
          </fieldset>
        );
      })}
      <div>
        <Button icon={<AddRegular />} onClick={() => onChange([...contacts, emptyContact()])}>
          Add {label.toLowerCase()}
        </Button>
      </div>
    </fieldset>
  );
}
