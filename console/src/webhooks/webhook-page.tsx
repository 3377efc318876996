/**
 * One webhook subscription (`/webhooks/<id>`): what it receives, its actions (change, enable or
 * disable, test event, rotate the secret, delete), replaying a period, and the delivery log (newest
 * first, kept 7 days) with each delivery's attempts and a retry. The log refreshes itself while a
 * delivery is pending.
 */
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  DeleteRegular,
  EditRegular,
  KeyResetRegular,
  SendRegular,
} from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client.js';
import { keys, useDeliveries, useWebhook } from '../api/queries.js';
import type { Delivery, Webhook } from '../api/types.js';
import { localProblem } from '../shared/action-form.js';
import { useConsole } from '../shared/console-context.js';
import { FormProblem, formErrors } from '../shared/form-errors.js';
import { formatDateTime } from '../shared/format.js';
import { deliveryStatusLabels, eventTypeLabels } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';
import { SecretNotice } from './secret-notice.js';
import { WebhookForm } from './webhook-form.js';
import { eventsInWords, WebhookStatus, webhookName } from './webhooks-page.js';

const useStyles = makeStyles({
  back: { color: tokens.colorBrandForegroundLink },
  stack: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    marginTop: tokens.spacingVerticalM,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
    '@media (max-width: 480px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  url: { fontFamily: tokens.fontFamilyMonospace },
  bar: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  replay: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  since: { width: '16rem', maxWidth: '100%' },
  log: { overflowX: 'auto' },
  logTable: { tableLayout: 'auto', minWidth: '640px' },
  lead: { color: tokens.colorBrandForegroundLink, fontFamily: tokens.fontFamilyMonospace },
  attempts: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: tokens.spacingHorizontalL },
});

const statusColor = { pending: 'warning', delivered: 'success', failed: 'danger' } as const;

type Attempt = Delivery['attempts'][number];

/** An attempt in words: "HTTP 503 in 12 ms, <when>" or its error ("timed out after 10 s"). */
function attemptInWords(attempt: Attempt): string {
  const answer = attempt.statusCode === null ? (attempt.error ?? 'No answer') : `HTTP ${attempt.statusCode}`;
  return `${answer} in ${attempt.durationMs} ms, ${formatDateTime(attempt.at)}`;
}

const lastAnswer = (delivery: Delivery): string => {
  const last = delivery.attempts.at(-1);
  return last ? attemptInWords(last) : 'Not tried yet';
};

/** A confirmation before an action that cannot be undone. */
function Confirm({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: string;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
}) {
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>{children}</DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onConfirm}>
              {confirmLabel}
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function ReplayForm({ webhook, onQueued }: { webhook: Webhook; onQueued(message: string): void }) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const [since, setSince] = useState('');
  const [refusal, setRefusal] = useState<ApiError>();
  const replay = useMutation({
    mutationFn: (at: string) => api.replay(webhook.id, { since: at }),
    onSuccess: ({ events }) => {
      void client.invalidateQueries({ queryKey: keys.deliveries(webhook.id) });
      onQueued(
        events === 0
          ? 'No events to send again in that period.'
          : `${events} ${events === 1 ? 'event' : 'events'} queued again, in order.`,
      );
    },
  });
  const error = refusal ?? replay.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const at = new Date(since);
    if (!since || Number.isNaN(at.getTime())) {
      setRefusal(localProblem([{ path: 'since', message: 'Required: a date and time.' }]));
      return;
    }
    setRefusal(undefined);
    replay.mutate(at.toISOString());
  };
  return (
    <form className={styles.section} aria-label="Send events again" noValidate onSubmit={submit}>
      <Text>
        Sends again, in order, every event of this webhook's types since a moment of the last 7 days (your
        receiver drops what it has already seen by the lead's version).
      </Text>
      <div className={styles.replay}>
        <Field label="Since (your local time)" className={styles.since} {...formErrors(error).field('since')}>
          <Input type="datetime-local" value={since} onChange={(_, d) => setSince(d.value)} />
        </Field>
        <Button type="submit" disabled={!webhook.enabled || replay.isPending}>
          Send again
        </Button>
      </div>
      <FormProblem error={error} claimed={['since']} />
    </form>
  );
}

function DeliveryLog({ webhook, onRetried }: { webhook: Webhook; onRetried(message: string): void }) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const log = useDeliveries(webhook.id);
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  const retry = useMutation({
    mutationFn: (delivery: Delivery) => api.retryDelivery(webhook.id, delivery.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.deliveries(webhook.id) });
      onRetried('Delivery queued again, with the same webhook-id.');
    },
  });
  if (log.isPending) return <Spinner label="Loading deliveries…" />;
  if (log.isError)
    return (
      <MessageBar intent="error">
        <MessageBarBody>The delivery log could not be loaded: {log.error.message}</MessageBarBody>
      </MessageBar>
    );
  return (
    <>
      <div className={styles.bar}>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void log.refetch()} disabled={log.isFetching}>
          Refresh
        </Button>
      </div>
      {retry.error && <FormProblem error={retry.error} claimed={[]} />}
      {items.length === 0 ? (
        <Text as="p">No deliveries in the last 7 days. Send a test event to see one here.</Text>
      ) : (
        <div className={styles.log}>
          <Table size="small" aria-label="Deliveries" className={styles.logTable}>
            <TableHeader>
              <TableRow>
                {['Event', 'Lead', 'Status', 'Attempts', 'Last answer', 'Next attempt', 'Action'].map(
                  (column) => (
                    <TableHeaderCell key={column} scope="col">
                      {column}
                    </TableHeaderCell>
                  ),
                )}
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((delivery) => (
                <TableRow key={delivery.id}>
                  <TableHeaderCell scope="row">
                    {eventTypeLabels[delivery.eventType]}
                    <br />
                    <Text size={200}>{formatDateTime(delivery.createdAt)}</Text>
                  </TableHeaderCell>
                  <TableCell>
                    {delivery.leadId ? (
                      <Link href={`/leads/${delivery.leadId}`} className={styles.lead}>
                        {delivery.leadId.slice(-6)}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={statusColor[delivery.status]}>
                      {deliveryStatusLabels[delivery.status]}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {delivery.attempts.length > 1 ? (
                      <details>
                        <summary>{delivery.attempts.length}</summary>
                        <ol className={styles.attempts}>
                          {delivery.attempts.map((attempt) => (
                            <li key={attempt.at}>{attemptInWords(attempt)}</li>
                          ))}
                        </ol>
                      </details>
                    ) : (
                      delivery.attempts.length
                    )}
                  </TableCell>
                  <TableCell>{lastAnswer(delivery)}</TableCell>
                  <TableCell>
                    {delivery.nextAttemptAt && delivery.status === 'pending'
                      ? formatDateTime(delivery.nextAttemptAt)
                      : '—'}
                  </TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      disabled={!webhook.enabled || (retry.isPending && retry.variables?.id === delivery.id)}
                      onClick={() => retry.mutate(delivery)}
                    >
                      Retry
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {log.hasNextPage && (
        <div>
          <Button onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
            {log.isFetchingNextPage ? 'Loading…' : 'Show older deliveries'}
          </Button>
        </div>
      )}
    </>
  );
}

type Open = 'edit' | 'rotate' | 'delete' | undefined;

function WebhookDetails({ webhook }: { webhook: Webhook }) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [open, setOpen] = useState<Open>();
  const [notice, setNotice] = useState<string>();
  const [secret, setSecret] = useState<string>();
  const done = (message: string) => {
    setOpen(undefined);
    setNotice(message);
  };
  const test = useMutation({
    mutationFn: () => api.testWebhook(webhook.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.deliveries(webhook.id) });
      done('Test event queued: it appears in the delivery log below.');
    },
  });
  const rotate = useMutation({
    mutationFn: () => api.rotateSecret(webhook.id),
    onSuccess: ({ secret: next }) => {
      setSecret(next);
      done('Secret rotated.');
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deleteWebhook(webhook.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.webhooks });
      navigate('/webhooks');
    },
  });
  const failure = test.error ?? rotate.error ?? remove.error;
  return (
    <div className={styles.stack}>
      <dl className={styles.facts}>
        <dt className={styles.term}>Endpoint</dt>
        <dd className={`${styles.value} ${styles.url}`}>{webhook.url}</dd>
        <dt className={styles.term}>Events</dt>
        <dd className={styles.value}>{eventsInWords(webhook.events)}</dd>
        <dt className={styles.term}>Status</dt>
        <dd className={styles.value}>
          <WebhookStatus webhook={webhook} />
        </dd>
        <dt className={styles.term}>Added</dt>
        <dd className={styles.value}>{formatDateTime(webhook.createdAt)}</dd>
      </dl>
      <div className={styles.bar}>
        <Button icon={<EditRegular />} onClick={() => setOpen('edit')}>
          Change
        </Button>
        <Button
          icon={<SendRegular />}
          disabled={!webhook.enabled || test.isPending}
          onClick={() => {
            setNotice(undefined);
            test.mutate();
          }}
        >
          Send a test event
        </Button>
        <Button icon={<KeyResetRegular />} onClick={() => setOpen('rotate')}>
          Rotate secret
        </Button>
        <Button icon={<DeleteRegular />} onClick={() => setOpen('delete')}>
          Delete
        </Button>
      </div>
      {!webhook.enabled && (
        <Text>
          Nothing is sent while the webhook is disabled: enable it with Change to test, retry or replay.
        </Text>
      )}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {secret && <SecretNotice secret={secret} rotated />}
      {failure instanceof ApiError && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{failure.problem.title}</MessageBarTitle>
            {failure.problem.detail}
          </MessageBarBody>
        </MessageBar>
      )}
      {open === 'edit' && (
        <WebhookForm
          webhook={webhook}
          onCancel={() => setOpen(undefined)}
          onSaved={() => done('Webhook saved.')}
        />
      )}
      <Confirm
        open={open === 'rotate'}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        onClose={() => setOpen(undefined)}
        onConfirm={() => {
          setOpen(undefined);
          rotate.mutate();
        }}
      >
        A new secret is shown once. The current one keeps signing for 24 hours beside it, so your receiver has
        a day to switch.
      </Confirm>
      <Confirm
        open={open === 'delete'}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        onClose={() => setOpen(undefined)}
        onConfirm={() => {
          setOpen(undefined);
          remove.mutate();
        }}
      >
        Nothing more is sent to this endpoint, and its delivery log goes with it.
      </Confirm>
      <section className={styles.section} aria-labelledby="replay-heading">
        <h2 id="replay-heading" className={styles.heading}>
          Send events again
        </h2>
        <ReplayForm webhook={webhook} onQueued={done} />
      </section>
      <section className={styles.section} aria-labelledby="log-heading">
        <h2 id="log-heading" className={styles.heading}>
          Deliveries
        </h2>
        <DeliveryLog webhook={webhook} onRetried={done} />
      </section>
    </div>
  );
}

export default function WebhookPage({ id }: { id: string }) {
  const styles = useStyles();
  const webhook = useWebhook(id);
  return (
    <>
      <Link href="/webhooks" className={styles.back}>
        ← Webhooks
      </Link>
      <PageHeading title={webhook.data ? webhookName(webhook.data) : 'Webhook'} />
      {webhook.isPending && <Spinner label="Loading the webhook…" />}
      {webhook.isError && (
        <MessageBar intent="error">
          <MessageBarBody>
            {webhook.error instanceof ApiError && webhook.error.status === 404
              ? 'There is no such webhook: it may have been deleted.'
              : `The webhook could not be loaded: ${webhook.error.message}`}
          </MessageBarBody>
        </MessageBar>
      )}
      {webhook.data && <WebhookDetails webhook={webhook.data} />}
    </>
  );
}
