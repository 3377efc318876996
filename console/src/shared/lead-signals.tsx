/**
 * What needs the partner's attention on a lead: the flame while the customer asked to be contacted
 * (it changes after the contact-now window, as Partner Center's does), the time left to answer,
 * and how an archived lead ended.
 */
import { Badge, makeStyles, Text, tokens } from '@fluentui/react-components';
import { CallRegular, ClockRegular, FireFilled } from '@fluentui/react-icons';
import type { PartnerLead } from '../api/types.js';
import { formatDateTime, timeLeft } from './format.js';
import { outcomeLabels } from './labels.js';

const alertText = {
  'contact-now': {
    label: 'Contact now',
    hint: 'The customer asked to be contacted: reach out as soon as you can.',
  },
  'contact-requested': {
    label: 'Contact requested',
    hint: 'The customer asked to be contacted some time ago: contact them if you want this lead.',
  },
} as const satisfies Record<NonNullable<PartnerLead['alert']>, { label: string; hint: string }>;

const useStyles = makeStyles({
  due: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  urgent: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
});

/** The flame (contact-now) or its quieter successor (contact-requested); nothing when no alert. */
export function ContactAlert({ lead }: { lead: PartnerLead }) {
  if (!lead.alert) return null;
  const text = alertText[lead.alert];
  return lead.alert === 'contact-now' ? (
    <Badge appearance="tint" color="danger" icon={<FireFilled />} title={text.hint}>
      {text.label}
    </Badge>
  ) : (
    <Badge appearance="tint" color="warning" icon={<CallRegular />} title={text.hint}>
      {text.label}
    </Badge>
  );
}

export function alertHint(lead: PartnerLead): string | undefined {
  return lead.alert ? alertText[lead.alert].hint : undefined;
}

/** "3 days 4 hours left to answer", while the lead waits for an answer. */
export function TimeLeft({ lead, now }: { lead: PartnerLead; now?: number }) {
  const styles = useStyles();
  if (lead.stage !== 'received') return null;
  const left = timeLeft(lead.respondBy, now);
  return (
    <Text className={left.urgent ? `${styles.due} ${styles.urgent}` : styles.due}>
      <ClockRegular aria-hidden />
      <span>
        {left.text} to answer{' '}
        <Text size={200}>
          (by <time dateTime={lead.respondBy}>{formatDateTime(lead.respondBy)}</time>)
        </Text>
      </span>
    </Text>
  );
}

export function OutcomeBadge({ lead }: { lead: PartnerLead }) {
  if (!lead.outcome) return null;
  const color = lead.outcome === 'won' ? 'success' : lead.outcome === 'expired' ? 'warning' : 'informative';
  return (
    <Badge appearance="filled" color={color}>
      {outcomeLabels[lead.outcome]}
    </Badge>
  );
}
