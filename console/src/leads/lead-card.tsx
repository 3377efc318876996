/** One lead in a list: who and what, the heart, the flame, the time left or how it ended. */
import { Badge, Card, makeStyles, Text, tokens } from '@fluentui/react-components';
import { Link } from 'wouter';
import type { PartnerLead } from '../api/types.js';
import { FavoriteButton } from '../shared/favorite-button.js';
import { countryName, formatDate, formatDateTime, formatMoney } from '../shared/format.js';
import { companySizeLabels, declineReasonLabels, leadTypeLabels } from '../shared/labels.js';
import { ContactAlert, OutcomeBadge, TimeLeft } from '../shared/lead-signals.js';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'row', alignItems: 'flex-start', gap: tokens.spacingHorizontalS },
  body: { flexGrow: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  title: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    lineHeight: tokens.lineHeightBase400,
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: 'anywhere',
  },
  link: {
    color: tokens.colorBrandForegroundLink,
    textDecorationLine: 'none',
    ':hover': { textDecorationLine: 'underline' },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function LeadCard({ lead }: { lead: PartnerLead }) {
  const styles = useStyles();
  const { customer } = lead;
  return (
    <Card className={styles.card} appearance="filled-alternative">
      <FavoriteButton lead={lead} />
      <div className={styles.body}>
        <h2 className={styles.title}>
          <Link href={`/leads/${lead.id}`} className={styles.link}>
            {customer.companyName}: {lead.need.title}
          </Link>
        </h2>
        <div className={styles.row}>
          <ContactAlert lead={lead} />
          <OutcomeBadge lead={lead} />
          <Badge appearance="outline" color="brand">
            {leadTypeLabels[lead.type]}
          </Badge>
          <Text className={styles.muted}>
            {countryName(customer.country)}
            {customer.companySize ? ` · ${companySizeLabels[customer.companySize]}` : ''} · from{' '}
            {lead.sender.name}
          </Text>
        </div>
        <div className={styles.row}>
          <Text size={200} className={styles.muted}>
            Received <time dateTime={lead.receivedAt}>{formatDateTime(lead.receivedAt)}</time>
          </Text>
          <TimeLeft lead={lead} />
          {lead.deal && (
            <Text size={200}>
              {lead.deal.name}: {formatMoney(lead.deal.value)}, closing{' '}
              {formatDate(lead.deal.estimatedCloseDate)}
            </Text>
          )}
          {lead.decline && <Text size={200}>Reason: {declineReasonLabels[lead.decline.reason]}</Text>}
        </div>
      </div>
    </Card>
  );
}
