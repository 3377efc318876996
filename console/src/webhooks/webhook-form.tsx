/**
 * The fields of a subscription, to create one or change one: the endpoint, the lead events it
 * receives and a description (and, when changing, whether it is enabled). The API's refusal of an
 * address (not https, or naming a private or loopback address) carries no field path, only its
 * stable code: that code puts it under the URL field.
 */
import { Checkbox, Field, Input, makeStyles, Switch, Text, tokens } from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { keys } from '../api/queries.js';
import type { LeadEventType, Webhook, WebhookWithSecret } from '../api/types.js';
import { ActionForm, localProblem, required } from '../shared/action-form.js';
import { useConsole } from '../shared/console-context.js';
import { formErrors } from '../shared/form-errors.js';
import { eventTypeLabels } from '../shared/labels.js';

export const leadEvents: LeadEventType[] = [
  'lead.received',
  'lead.accepted',
  'lead.declined',
  'lead.expired',
  'lead.updated',
  'lead.won',
  'lead.lost',
];

const useStyles = makeStyles({
  events: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 260px), 1fr))',
    margin: 0,
    padding: 0,
    border: 'none',
    minWidth: 0,
  },
  legend: { padding: 0, fontWeight: tokens.fontWeightSemibold },
  error: { gridColumn: '1 / -1', color: tokens.colorPaletteRedForeground1 },
  code: { fontFamily: tokens.fontFamilyMonospace },
});

/** The API's refusals of a URL that name no field, by their stable codes. */
const URL_CODES = new Set(['webhook-url-refused']);

/** Such a refusal as a problem of the `url` field, so it shows there and the form says to look there. */
function atUrl(error: unknown): unknown {
  if (!(error instanceof ApiError) || !URL_CODES.has(error.code) || error.problem.errors?.length)
    return error;
  const message = error.problem.detail ?? error.problem.title;
  return new ApiError({ ...error.problem, errors: [{ path: 'url', message }] });
}

export function WebhookForm({
  webhook,
  onSaved,
  onCancel,
}: {
  /** The subscription to change; none to create one. */
  webhook?: Webhook;
  onSaved(result: { webhook: Webhook; secret?: string }): void;
  onCancel(): void;
}) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState<LeadEventType[]>(webhook?.events ?? leadEvents);
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [enabled, setEnabled] = useState(webhook?.enabled ?? true);
  const [refusal, setRefusal] = useState<ApiError>();
  const save = useMutation({
    mutationFn: async (): Promise<{ webhook: Webhook; secret?: string }> => {
      const about = description.trim();
      if (!webhook) {
        const created: WebhookWithSecret = await api.createWebhook({
          url: url.trim(),
          events,
          ...(about ? { description: about } : {}),
        });
        const { secret, ...view } = created;
        return { webhook: view, secret };
      }
      const changed = await api.changeWebhook(webhook.id, {
        url: url.trim(),
        events,
        description: about || null,
        enabled,
      });
      return { webhook: changed };
    },
    onSuccess: (result) => {
      client.setQueryData(keys.webhook(result.webhook.id), result.webhook);
      void client.invalidateQueries({ queryKey: keys.webhooks });
      onSaved(result);
    },
  });
  const error = atUrl(refusal ?? save.error);
  const errors = formErrors(error);
  const eventsError = errors.field('events', { prefix: true }).validationMessage;

  function submit() {
    const problems = [
      ...required('url', url),
      ...(events.length === 0 ? [{ path: 'events', message: 'Choose at least one event.' }] : []),
    ];
    setRefusal(problems.length > 0 ? localProblem(problems) : undefined);
    if (problems.length === 0) save.mutate();
  }

  return (
    <ActionForm
      title={webhook ? 'Change the webhook' : 'Add a webhook'}
      submitLabel={webhook ? 'Save changes' : 'Add webhook'}
      onSubmit={submit}
      onCancel={onCancel}
      pending={save.isPending}
      error={error}
      claimed={['url', 'events', 'description', 'enabled']}
    >
      <Field
        label="Endpoint URL"
        required
        hint="https only; locally also http://127.0.0.1:<port>. Events are POSTed here, signed (Standard Webhooks)."
        {...errors.field('url')}
      >
        <Input type="url" value={url} onChange={(_, d) => setUrl(d.value)} autoComplete="off" />
      </Field>
      <fieldset className={styles.events}>
        <legend className={styles.legend}>Events</legend>
        {leadEvents.map((event) => (
          <Checkbox
            key={event}
            label={
              <>
                {eventTypeLabels[event]} <span className={styles.code}>({event})</span>
              </>
            }
            checked={events.includes(event)}
            onChange={(_, d) =>
              setEvents(
                d.checked
                  ? leadEvents.filter((e) => e === event || events.includes(e))
                  : events.filter((e) => e !== event),
              )
            }
          />
        ))}
        {eventsError && (
          <Text className={styles.error} role="alert">
            {eventsError}
          </Text>
        )}
      </fieldset>
      <Field
        label="Description"
        hint="What receives these events (optional)"
        {...errors.field('description')}
      >
        <Input value={description} onChange={(_, d) => setDescription(d.value)} maxLength={500} />
      </Field>
      {webhook && (
        <Field {...errors.field('enabled')}>
          <Switch
            label="Enabled (events are sent)"
            checked={enabled}
            onChange={(_, d) => setEnabled(d.checked)}
          />
        </Field>
      )}
    </ActionForm>
  );
}
