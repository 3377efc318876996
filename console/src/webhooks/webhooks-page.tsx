/**
 * Webhooks (SPEC §9): the partner's subscriptions, each linking to its page with the delivery log,
 * and a form to add one; the new subscription's signing secret is shown once, here.
 */
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { Link } from 'wouter';
import { useWebhooks } from '../api/queries.js';
import type { Webhook } from '../api/types.js';
import { formatDateTime } from '../shared/format.js';
import { disabledReasonLabels, eventTypeLabels } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';
import { SecretNotice } from './secret-notice.js';
import { leadEvents, WebhookForm } from './webhook-form.js';

/** At most this many subscriptions per partner (SPEC §9). */
const MAX_WEBHOOKS = 10;

const useStyles = makeStyles({
  intro: { display: 'block', marginBottom: tokens.spacingVerticalM },
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  item: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    minWidth: 0,
  },
  link: { color: tokens.colorBrandForegroundLink, overflowWrap: 'anywhere' },
  title: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  url: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  meta: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

/** Enabled, or why not, as a badge. */
export function WebhookStatus({ webhook }: { webhook: Webhook }) {
  return webhook.enabled ? (
    <Badge appearance="tint" color="success">
      Enabled
    </Badge>
  ) : (
    <Badge appearance="tint" color="danger">
      {webhook.disabledReason ? disabledReasonLabels[webhook.disabledReason] : 'Disabled'}
    </Badge>
  );
}

/** The events a subscription receives, in words ("All lead events" when it takes every one). */
export const eventsInWords = (events: Webhook['events']) =>
  events.length === leadEvents.length
    ? 'All lead events'
    : leadEvents
        .filter((e) => events.includes(e))
        .map((e) => eventTypeLabels[e])
        .join(', ');

export const webhookName = (webhook: Webhook) => webhook.description || webhook.url;

export default function WebhooksPage() {
  const styles = useStyles();
  const webhooks = useWebhooks();
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ webhook: Webhook; secret: string }>();
  const items = webhooks.data?.items ?? [];
  return (
    <>
      <PageHeading title="Webhooks" />
      <Text className={styles.intro}>
        Your apps receive every change of your leads as it happens: a signed POST of the lead as you see it,
        retried for about a day until your endpoint answers 2xx. Each webhook's page shows its deliveries.
      </Text>
      <div className={styles.stack}>
        {created && (
          <>
            <MessageBar intent="success">
              <MessageBarBody>
                Webhook added.{' '}
                <Link href={`/webhooks/${created.webhook.id}`} className={styles.link}>
                  Open its page
                </Link>{' '}
                to send a test event.
              </MessageBarBody>
            </MessageBar>
            <SecretNotice secret={created.secret} rotated={false} />
          </>
        )}
        {adding ? (
          <WebhookForm
            onCancel={() => setAdding(false)}
            onSaved={({ webhook, secret }) => {
              setAdding(false);
              if (secret) setCreated({ webhook, secret });
            }}
          />
        ) : (
          <div>
            <Button
              appearance="primary"
              icon={<AddRegular />}
              disabled={items.length >= MAX_WEBHOOKS}
              onClick={() => {
                setCreated(undefined);
                setAdding(true);
              }}
            >
              Add a webhook
            </Button>
            {items.length >= MAX_WEBHOOKS && (
              <Text as="p">
                You have {MAX_WEBHOOKS} webhooks, the most a partner may have: delete one first.
              </Text>
            )}
          </div>
        )}
        {webhooks.isPending && <Spinner label="Loading webhooks…" />}
        {webhooks.isError && (
          <MessageBar intent="error">
            <MessageBarBody>The webhooks could not be loaded: {webhooks.error.message}</MessageBarBody>
          </MessageBar>
        )}
        {webhooks.isSuccess && items.length === 0 && !adding && <Text as="p">No webhooks yet.</Text>}
        {items.length > 0 && (
          <ul className={styles.list} aria-label="Your webhooks">
            {items.map((webhook) => (
              <li key={webhook.id} className={styles.item}>
                <h2 className={styles.title}>
                  <Link href={`/webhooks/${webhook.id}`} className={styles.link}>
                    {webhookName(webhook)}
                  </Link>
                </h2>
                {webhook.description && <Text className={styles.url}>{webhook.url}</Text>}
                <div className={styles.meta}>
                  <WebhookStatus webhook={webhook} />
                  <Text size={200}>{eventsInWords(webhook.events)}</Text>
                  <Text size={200}>· added {formatDateTime(webhook.createdAt)}</Text>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}
