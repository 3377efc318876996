/** The lead's history as a timeline: what happened, when, by whom, and the stage it moved to. */
import { makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useHistory } from '../api/queries.js';
import type { HistoryEntry } from '../api/types.js';
import { useConsole } from '../shared/console-context.js';
import { formatDateTime } from '../shared/format.js';
import { actionLabels, stageLabels } from '../shared/labels.js';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0 },
  item: {
    position: 'relative',
    paddingLeft: tokens.spacingHorizontalXXL,
    paddingBottom: tokens.spacingVerticalL,
    borderLeft: `2px solid ${tokens.colorNeutralStroke2}`,
    marginLeft: tokens.spacingHorizontalS,
    ':last-child': { borderLeftColor: 'transparent', paddingBottom: 0 },
    '::before': {
      content: '""',
      position: 'absolute',
      left: '-7px',
      top: '4px',
      width: '12px',
      height: '12px',
      borderRadius: '50%',
      backgroundColor: tokens.colorBrandBackground,
    },
  },
  what: { display: 'block', fontWeight: tokens.fontWeightSemibold },
  meta: { display: 'block', color: tokens.colorNeutralForeground3 },
});

function actor(entry: HistoryEntry, me: string): string {
  switch (entry.by.type) {
    case 'partner-user':
      return entry.by.id === me ? 'you' : entry.by.id;
    case 'sender':
      return `sender ${entry.by.id}`;
    case 'system':
      return 'the platform';
  }
}

export function HistoryTimeline({ leadId }: { leadId: string }) {
  const styles = useStyles();
  const { session } = useConsole();
  const history = useHistory(leadId);
  if (history.isPending) return <Spinner size="small" label="Loading the history…" />;
  if (history.isError) return <Text>The history could not be loaded: {history.error.message}</Text>;
  return (
    <ol className={styles.list}>
      {history.data.items.map((entry, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: history entries are append-only, their place is their identity
        <li key={index} className={styles.item}>
          <Text className={styles.what}>
            {actionLabels[entry.action]}
            {entry.from && entry.from !== entry.to
              ? ` (${stageLabels[entry.from]} → ${stageLabels[entry.to]})`
              : ''}
          </Text>
          <Text className={styles.meta} size={200}>
            <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> by {actor(entry, session.user)}
            {entry.fields && entry.fields.length > 0 ? ` · changed ${entry.fields.join(', ')}` : ''}
          </Text>
        </li>
      ))}
    </ol>
  );
}
