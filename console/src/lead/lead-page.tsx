/** A lead: its signals, its details, the actions its stage allows, and its history. */
import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeftRegular, CallRegular, FireFilled } from '@fluentui/react-icons';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../api/client.js';
import { useLead } from '../api/queries.js';
import { FavoriteButton } from '../shared/favorite-button.js';
import { alertHint, ContactAlert, OutcomeBadge, TimeLeft } from '../shared/lead-signals.js';
import { PageHeading } from '../shared/page.js';
import { HistoryTimeline } from './history-timeline.js';
import { LeadActions } from './lead-actions.js';
import { LeadDetails } from './lead-details.js';

const useStyles = makeStyles({
  back: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    marginBottom: tokens.spacingVerticalS,
    color: tokens.colorBrandForegroundLink,
  },
  title: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalS },
  signals: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalM,
  },
  block: { marginTop: tokens.spacingVerticalXL },
  subheading: { fontSize: tokens.fontSizeBase500, margin: `0 0 ${tokens.spacingVerticalS}` },
  gap: { marginBottom: tokens.spacingVerticalM },
});

export default function LeadPage({ id }: { id: string }) {
  const styles = useStyles();
  const lead = useLead(id);
  const [done, setDone] = useState<string>();

  const back = (
    <Link href="/" className={styles.back}>
      <ArrowLeftRegular aria-hidden /> All leads
    </Link>
  );
  if (lead.isPending) return <Spinner label="Loading the lead…" />;
  if (lead.isError) {
    const notFound = lead.error instanceof ApiError && lead.error.status === 404;
    return (
      <>
        {back}
        <PageHeading title={notFound ? 'Lead not found' : 'The lead could not be loaded'} />
        <Text as="p">
          {notFound
            ? 'There is no lead with this id for your company.'
            : lead.error instanceof ApiError
              ? (lead.error.problem.detail ?? lead.error.problem.title)
              : String(lead.error)}
        </Text>
      </>
    );
  }
  const data = lead.data;
  const hint = alertHint(data);
  return (
    <>
      {back}
      <div className={styles.title}>
        <PageHeading title={`${data.customer.companyName}: ${data.need.title}`} />
        <FavoriteButton lead={data} />
      </div>
      <div className={styles.signals}>
        <ContactAlert lead={data} />
        <OutcomeBadge lead={data} />
        <TimeLeft lead={data} />
      </div>
      {hint && data.stage === 'received' && (
        <MessageBar
          intent={data.alert === 'contact-now' ? 'error' : 'warning'}
          icon={data.alert === 'contact-now' ? <FireFilled /> : <CallRegular />}
          className={styles.gap}
        >
          <MessageBarBody>{hint}</MessageBarBody>
        </MessageBar>
      )}
      {done && (
        <MessageBar intent="success" className={styles.gap}>
          <MessageBarBody>
            <MessageBarTitle>Done</MessageBarTitle>
            {done}
          </MessageBarBody>
        </MessageBar>
      )}
      <section aria-labelledby="actions-heading" className={styles.gap}>
        <h2 id="actions-heading" className={styles.subheading}>
          Actions
        </h2>
        <LeadActions lead={data} onDone={setDone} />
      </section>
      <LeadDetails lead={data} />
      <section aria-labelledby="history-heading" className={styles.block}>
        <h2 id="history-heading" className={styles.subheading}>
          History
        </h2>
        <HistoryTimeline leadId={data.id} />
      </section>
    </>
  );
}
