/**
 * A chart with its text alternative: a titled region whose figures are also a table. The table is
 * always in the page for screen readers; "Show the figures" makes it visible to everyone too.
 */
import {
  Button,
  makeStyles,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { TableRegular } from '@fluentui/react-icons';
import { type ReactNode, useId, useState } from 'react';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
    '@media (max-width: 480px)': { padding: tokens.spacingHorizontalS },
  },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: tokens.spacingHorizontalM },
  title: { margin: 0, flexGrow: 1, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  chart: { minWidth: 0, overflowX: 'hidden' },
  // Out of sight but read by screen readers (the usual visually-hidden pattern).
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
  table: { overflowX: 'auto' },
  // Columns as wide as their words, scrolling inside the card on a phone rather than overlapping.
  figures: { tableLayout: 'auto' },
  number: { textAlign: 'end', fontVariantNumeric: 'tabular-nums' },
});

export interface FigureTable {
  /** Column headings; the first column names the rows. */
  columns: string[];
  rows: Array<{ name: string; cells: string[] }>;
}

export function ChartCard({
  title,
  description,
  table,
  children,
}: {
  title: string;
  description?: ReactNode;
  table: FigureTable;
  children: ReactNode;
}) {
  const styles = useStyles();
  const headingId = useId();
  const [shown, setShown] = useState(false);
  return (
    <section className={styles.card} aria-labelledby={headingId}>
      <div className={styles.head}>
        <h2 id={headingId} className={styles.title}>
          {title}
        </h2>
        <Button
          size="small"
          appearance="subtle"
          icon={<TableRegular />}
          aria-pressed={shown}
          onClick={() => setShown(!shown)}
        >
          Show the figures
        </Button>
      </div>
      {description && <Text size={200}>{description}</Text>}
      <div className={styles.chart}>{children}</div>
      <div className={shown ? styles.table : mergeClasses(styles.table, styles.hidden)}>
        <FiguresTable title={title} table={table} />
      </div>
    </section>
  );
}

/** A small table of figures named by `title` (its accessible name). */
export function FiguresTable({ title, table }: { title: string; table: FigureTable }) {
  const styles = useStyles();
  return (
    <Table size="small" aria-label={title} className={styles.figures}>
      <TableHeader>
        <TableRow>
          {table.columns.map((column, i) => (
            <TableHeaderCell key={column} scope="col" className={i > 0 ? styles.number : undefined}>
              {column}
            </TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {table.rows.map((row) => (
          <TableRow key={row.name}>
            <TableHeaderCell scope="row">{row.name}</TableHeaderCell>
            {row.cells.map((cell, i) => (
              <TableCell key={table.columns[i + 1] ?? i} className={styles.number}>
                {cell}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
