/** Everything known about a lead, as labelled term / value pairs in sections. */
import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { PartnerLead } from '../api/types.js';
import { countryName, formatDate, formatDateTime, formatMoney } from '../shared/format.js';
import {
  companySizeLabels,
  declineReasonLabels,
  leadTypeLabels,
  outcomeLabels,
  stageLabels,
} from '../shared/labels.js';

const useStyles = makeStyles({
  sections: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))',
    gap: tokens.spacingHorizontalL,
    '@media (max-width: 480px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  section: {
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  heading: { margin: `0 0 ${tokens.spacingVerticalS}`, fontSize: tokens.fontSizeBase400 },
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  item: { display: 'contents' },
  value: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
});

/** One term and its value; nothing at all when there is no value. */
function Item({ term, children }: { term: string; children: ReactNode }) {
  const styles = useStyles();
  if (children === undefined || children === null || children === '') return null;
  return (
    <div className={styles.item}>
      <dt className={styles.term}>{term}</dt>
      <dd className={styles.value}>{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-label={title}>
      <h2 className={styles.heading}>{title}</h2>
      <dl className={styles.list}>{children}</dl>
    </section>
  );
}

const time = (iso: string) => <time dateTime={iso}>{formatDateTime(iso)}</time>;

export function LeadDetails({ lead }: { lead: PartnerLead }) {
  const styles = useStyles();
  const { customer, need, deal, decline, closed } = lead;
  return (
    <div className={styles.sections}>
      <Section title="Customer">
        <Item term="Company">{customer.companyName}</Item>
        <Item term="Contact">{customer.contactName}</Item>
        <Item term="Email">
          <a href={`mailto:${customer.email}`}>{customer.email}</a>
        </Item>
        <Item term="Phone">
          {customer.phone ? (
            <a href={`tel:${customer.phone.replace(/[^0-9+]/g, '')}`}>{customer.phone}</a>
          ) : null}
        </Item>
        <Item term="Country">{countryName(customer.country)}</Item>
        <Item term="Company size">
          {customer.companySize ? companySizeLabels[customer.companySize] : null}
        </Item>
      </Section>
      <Section title="Need">
        <Item term="Title">{need.title}</Item>
        <Item term="Description">{need.description}</Item>
        <Item term="Products">{need.products?.join(', ')}</Item>
        <Item term="Contact requested">
          {lead.contactRequested ? 'Yes: the customer asked to be contacted' : 'No'}
        </Item>
      </Section>
      <Section title="Lead">
        <Item term="Type">{leadTypeLabels[lead.type]}</Item>
        <Item term="Stage">
          {lead.outcome
            ? `${stageLabels[lead.stage]} (${outcomeLabels[lead.outcome].toLowerCase()})`
            : stageLabels[lead.stage]}
        </Item>
        <Item term="From">
          {lead.sender.name} ({lead.sender.kind === 'microsoft' ? 'Microsoft' : 'partner'})
        </Item>
        <Item term="Their reference">{lead.externalId}</Item>
        <Item term="Received">{time(lead.receivedAt)}</Item>
        <Item term="Answer by">{lead.stage === 'received' ? time(lead.respondBy) : null}</Item>
        <Item term="Archived">{lead.archivedAt ? time(lead.archivedAt) : null}</Item>
        <Item term="Lead id">
          <Text font="monospace">{lead.id}</Text>
        </Item>
      </Section>
      {deal && (
        <Section title="Deal">
          <Item term="Name">{deal.name}</Item>
          <Item term="Estimated value">{formatMoney(deal.value)}</Item>
          <Item term="Estimated close">{formatDate(deal.estimatedCloseDate)}</Item>
          <Item term="Notes">{deal.notes}</Item>
          <Item term="CRM id">{deal.crmId}</Item>
          <Item term="Campaign id">{deal.campaignId}</Item>
        </Section>
      )}
      {lead.contacts.length > 0 && (
        <Section title="Your contacts">
          {lead.contacts.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: contacts are only ever appended, so a place is an identity
            <Item key={i} term={`Contact ${i + 1}`}>
              {c.name} · <a href={`mailto:${c.email}`}>{c.email}</a>
              {c.phone ? ` · ${c.phone}` : ''}
            </Item>
          ))}
        </Section>
      )}
      {decline && (
        <Section title="Declined">
          <Item term="Reason">{declineReasonLabels[decline.reason]}</Item>
          <Item term="Notes">{decline.notes}</Item>
        </Section>
      )}
      {closed && (
        <Section title={lead.outcome === 'won' ? 'Won' : 'Lost'}>
          <Item term="Closed">{time(closed.at)}</Item>
          <Item term="Final value">{closed.finalValue ? formatMoney(closed.finalValue) : null}</Item>
          <Item term="Notes">{closed.notes}</Item>
        </Section>
      )}
    </div>
  );
}
