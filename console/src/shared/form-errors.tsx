/**
 * The API's validation failures (`errors: [{ path, message }]`) shown in words next to the field
 * they concern; whatever no field claims, and any other problem, shown above the form's buttons.
 */
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ApiError } from '../api/client.js';
import type { FieldProblem } from '../api/types.js';

/** zod's wording for a missing value, in plain words; any other message keeps its meaning. */
export function humanize(message: string): string {
  if (/received undefined|expected string to have >=1 character/i.test(message)) return 'Required.';
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export interface FormErrors {
  /** Props for a Fluent `Field`: the message for `path`, or for anything under it with `prefix`. */
  field(
    path: string,
    options?: { prefix?: boolean },
  ): {
    validationMessage?: string;
    validationState: 'error' | 'none';
  };
  /** True when the API refused something at `path` (or under it). */
  has(path: string): boolean;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

export function formErrors(error: unknown): FormErrors & { all: FieldProblem[] } {
  const all = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return {
    all,
    field(path, options) {
      const mine = all.filter((e) => (options?.prefix ? under(e.path, path) : e.path === path));
      if (mine.length === 0) return { validationState: 'none' };
      const message = mine
        .map((e) => {
          const rest = e.path.slice(path.length + 1);
          // An item of a list ("keywords.3") is named by its position, counted from one.
          const item = /^(\d+)/.exec(rest);
          return item ? `Item ${Number(item[1]) + 1}: ${humanize(e.message)}` : humanize(e.message);
        })
        .join(' ');
      return { validationMessage: message, validationState: 'error' };
    },
    has: (path) => all.some((e) => under(e.path, path)),
  };
}

/**
 * The form's failure in words: the problem's title and detail, and any field error that `claimed`
 * (the paths the form shows next to fields) does not cover.
 */
export function FormProblem({ error, claimed }: { error: unknown; claimed: string[] }) {
  if (!error) return null;
  const problem =
    error instanceof ApiError
      ? error.problem
      : { title: 'Something went wrong', detail: String(error), errors: [] };
  const unclaimed = (problem.errors ?? []).filter((e) => !claimed.some((c) => under(e.path, c)));
  const onFields = (problem.errors ?? []).length - unclaimed.length;
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{problem.title}</MessageBarTitle>
        {onFields > 0 ? 'Check the fields marked in red.' : problem.detail}
        {unclaimed.length > 0 && (
          <ul>
            {unclaimed.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                {e.path ? `${e.path}: ` : ''}
                {humanize(e.message)}
              </li>
            ))}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
