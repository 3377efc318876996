/**
 * The leads: the three tabs of Partner Center (Marketplace, Qualified, Favorites), each by stage
 * (received, accepted, archived), newest first. Tab and stage live in the address, so a list can
 * be bookmarked and the back button works.
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Tab,
  TabList,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useEffect } from 'react';
import { useSearchParams } from 'wouter';
import { ApiError } from '../api/client.js';
import { useLeadList } from '../api/queries.js';
import type { LeadTab, Stage } from '../api/types.js';
import { keysOf, stageLabels, tabLabels } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';
import { LeadCard } from './lead-card.js';

const useStyles = makeStyles({
  tabs: { overflowX: 'auto' },
  stages: { marginTop: tokens.spacingVerticalXS, marginBottom: tokens.spacingVerticalM, overflowX: 'auto' },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  more: { marginTop: tokens.spacingVerticalM },
});

const tabs = keysOf(tabLabels);
const stages = keysOf(stageLabels);
const pick = <T extends string>(value: string | null, options: T[]): T =>
  options.find((o) => o === value) ?? options[0]!;

/** Marks when the first list of leads is on screen, once per page load (read by the browser tests). */
let firstListShown = false;

function LeadList({ tab, stage }: { tab: LeadTab; stage: Stage }) {
  const styles = useStyles();
  const list = useLeadList(tab, stage);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  useEffect(() => {
    if (list.isSuccess && !firstListShown) {
      firstListShown = true;
      performance.mark('first-lead-list');
    }
  }, [list.isSuccess]);

  if (list.isPending) return <Spinner label="Loading leads…" />;
  if (list.isError) {
    const problem = list.error instanceof ApiError ? list.error.problem : undefined;
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{problem?.title ?? 'The leads could not be loaded'}</MessageBarTitle>
          {problem?.detail ?? String(list.error)}
        </MessageBarBody>
      </MessageBar>
    );
  }
  if (items.length === 0) {
    return (
      <Text as="p">
        No {stageLabels[stage].toLowerCase()} leads in {tabLabels[tab]}.
        {tab === 'favorites' ? ' Select the heart on a lead to add it here.' : ''}
      </Text>
    );
  }
  return (
    <>
      <ul className={styles.list} aria-label={`${tabLabels[tab]}, ${stageLabels[stage].toLowerCase()}`}>
        {items.map((lead) => (
          <li key={lead.id}>
            <LeadCard lead={lead} />
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <Button
          className={styles.more}
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Show more leads'}
        </Button>
      )}
    </>
  );
}

export function LeadsPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const tab = pick(params.get('tab'), tabs);
  const stage = pick(params.get('stage'), stages);
  const go = (next: { tab?: LeadTab; stage?: Stage }) =>
    setParams({ tab: next.tab ?? tab, stage: next.stage ?? stage });

  return (
    <>
      <PageHeading title="Leads" />
      <TabList
        className={styles.tabs}
        aria-label="Lead tabs"
        selectedValue={tab}
        onTabSelect={(_, data) => go({ tab: pick(String(data.value), tabs) })}
      >
        {tabs.map((t) => (
          <Tab key={t} value={t} id={`tab-${t}`}>
            {tabLabels[t]}
          </Tab>
        ))}
      </TabList>
      <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <TabList
          className={styles.stages}
          size="small"
          aria-label="Stage"
          selectedValue={stage}
          onTabSelect={(_, data) => go({ stage: pick(String(data.value), stages) })}
        >
          {stages.map((s) => (
            <Tab key={s} value={s} id={`stage-${s}`}>
              {stageLabels[s]}
            </Tab>
          ))}
        </TabList>
        <div role="tabpanel" aria-labelledby={`stage-${stage}`}>
          <LeadList tab={tab} stage={stage} />
        </div>
      </div>
    </>
  );
}
