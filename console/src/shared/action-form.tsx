/**
 * A form for one action on a lead or the profile: a heading, its fields, the API's verdict next to
 * them, and submit / cancel. Focus moves into the form when it opens and Escape cancels it.
 */
import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { ApiError } from '../api/client.js';
import type { FieldProblem } from '../api/types.js';
import { FormProblem } from './form-errors.js';

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    '@media (max-width: 480px)': { padding: tokens.spacingHorizontalS },
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

/** A refusal made in the browser, before sending: the same shape as the API's validation failure. */
export function localProblem(errors: FieldProblem[], title = 'Fill in the required fields'): ApiError {
  return new ApiError({ type: 'about:blank', title, status: 400, code: 'incomplete', errors });
}

/** A required text field left empty, as a field problem at `path`. */
export const required = (path: string, value: string): FieldProblem[] =>
  value.trim() === '' ? [{ path, message: 'Required.' }] : [];

export interface ActionFormProps {
  title: string;
  submitLabel: string;
  onSubmit(): void;
  onCancel?: (() => void) | undefined;
  pending: boolean;
  error: unknown;
  /** The paths shown next to fields; other field errors are listed above the buttons. */
  claimed: string[];
  children: ReactNode;
  id?: string;
  /** The heading's level where the form sits (3 under a page's section, 2 as the page's own form). */
  level?: 2 | 3;
  /** Move focus into the form when it appears (a form opened by a button); off for a page's own form. */
  autoFocus?: boolean;
}

export function ActionForm(props: ActionFormProps) {
  const styles = useStyles();
  const headingId = useId();
  const ref = useRef<HTMLFormElement>(null);
  const { onCancel, level = 3, autoFocus = true } = props;
  const Heading = level === 2 ? 'h2' : 'h3';
  useEffect(() => {
    if (autoFocus) ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [autoFocus]);
  return (
    <form
      ref={ref}
      id={props.id}
      className={styles.form}
      aria-labelledby={headingId}
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (!props.pending) props.onSubmit();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && onCancel) onCancel();
      }}
    >
      <Heading id={headingId} className={styles.heading}>
        {props.title}
      </Heading>
      {props.children}
      <FormProblem error={props.error} claimed={props.claimed} />
      <div className={styles.buttons}>
        <Button appearance="primary" type="submit" disabled={props.pending}>
          {props.pending ? 'Saving…' : props.submitLabel}
        </Button>
        {onCancel && (
          <Button type="button" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
