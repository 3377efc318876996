/**
 * Insights (GET /v1/insights, SPEC §7.2): the leads received in a period as they stand now, how
 * fast and how often the partner answered, beside every partner together. Each chart is also a
 * table. The period lives in the address (`/insights?from=2026-01&to=2026-06`). This page and its
 * chart library load only when it is opened.
 */
import {
  DataVizPalette,
  GroupedVerticalBarChart,
  getColorFromToken,
  HorizontalBarChartWithAxis,
  VerticalStackedBarChart,
} from '@fluentui/react-charts';
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  mergeClasses,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { type FormEvent, useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { ApiError } from '../api/client.js';
import { useInsights } from '../api/queries.js';
import type { Amount, DeclineReason, Insights } from '../api/types.js';
import { localProblem } from '../shared/action-form.js';
import { formErrors } from '../shared/form-errors.js';
import { formatMoney } from '../shared/format.js';
import { declineReasonLabels, leadTypeLabels } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';
import { ChartCard, FiguresTable } from './chart-card.js';
import {
  declineReasonsOf,
  formatDuration,
  formatMonth,
  formatRate,
  funnelOf,
  lastMonths,
  outcomePartLabels,
  outcomeParts,
  outcomesOf,
  periodProblems,
  rateHints,
  rateLabels,
  rateNames,
} from './figures.js';

const YOU = 'You';
const PLATFORM = 'All partners';
// The charts take colours, not the palette's token names.
const color = {
  you: getColorFromToken(DataVizPalette.color1),
  platform: getColorFromToken(DataVizPalette.color3),
  step: getColorFromToken(DataVizPalette.color1),
  won: getColorFromToken(DataVizPalette.success),
  reason: getColorFromToken(DataVizPalette.color4),
};
const partColors = {
  open: getColorFromToken(DataVizPalette.disabled),
  inProgress: getColorFromToken(DataVizPalette.color1),
  won: getColorFromToken(DataVizPalette.success),
  lost: getColorFromToken(DataVizPalette.color7),
  declined: getColorFromToken(DataVizPalette.color4),
  expired: getColorFromToken(DataVizPalette.error),
} as const;

const useStyles = makeStyles({
  intro: { display: 'block', marginBottom: tokens.spacingVerticalM },
  period: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalL,
  },
  month: { width: '11rem', maxWidth: '100%' },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 420px), 1fr))',
    gap: tokens.spacingVerticalL,
    marginTop: tokens.spacingVerticalL,
  },
  wide: { gridColumn: '1 / -1' },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    overflowX: 'auto',
    '@media (max-width: 480px)': { padding: tokens.spacingHorizontalS },
  },
  cardTitle: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    gap: tokens.spacingHorizontalM,
    margin: 0,
  },
  tile: {
    display: 'flex',
    flexDirection: 'column-reverse',
    padding: tokens.spacingHorizontalM,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  tileValue: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  tileName: { color: tokens.colorNeutralForeground2 },
  asOf: { display: 'block', marginTop: tokens.spacingVerticalS, color: tokens.colorNeutralForeground2 },
});

const count = (n: number) => n.toLocaleString();
const amounts = (list: Amount[]) =>
  list.length === 0
    ? 'None'
    : list.map((a) => formatMoney({ amount: a.amount, currency: a.currency })).join(', ');
/** The unit that suits the longest time shown, so short answers do not all read as 0 hours. */
function timeUnit(seconds: Array<number | null>): { name: string; size: number } {
  const longest = Math.max(0, ...seconds.map((s) => s ?? 0));
  if (longest >= 2 * 86_400) return { name: 'Days', size: 86_400 };
  if (longest >= 2 * 3_600) return { name: 'Hours', size: 3_600 };
  if (longest >= 120) return { name: 'Minutes', size: 60 };
  return { name: 'Seconds', size: 1 };
}
const inUnit = (seconds: number | null, unit: { size: number }) =>
  seconds === null ? 0 : Math.round((seconds / unit.size) * 10) / 10;
const reasonLabel = (reason: string) => declineReasonLabels[reason as DeclineReason] ?? reason;

function PeriodForm({
  from,
  to,
  refused,
  onChange,
}: {
  from: string;
  to: string;
  /** The API's refusal of the period asked for, shown at its fields. */
  refused: unknown;
  onChange(period: { from: string; to: string }): void;
}) {
  const styles = useStyles();
  const [start, setStart] = useState(from);
  const [end, setEnd] = useState(to);
  const [problem, setProblem] = useState<ApiError | undefined>();
  const local = formErrors(problem);
  const api = formErrors(refused);
  // The browser's own check first; else the API's refusal, which names query parameters.
  const field = (name: 'from' | 'to') => (local.has(name) ? local.field(name) : api.field(`query.${name}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = periodProblems(start, end);
    setProblem(problems.length > 0 ? localProblem(problems, 'Choose another period') : undefined);
    if (problems.length === 0) onChange({ from: start, to: end });
  };
  const preset = (months: number) => {
    const period = lastMonths(months, to);
    setStart(period.from);
    setEnd(period.to);
    setProblem(undefined);
    onChange(period);
  };
  return (
    <form className={styles.period} aria-label="Period" noValidate onSubmit={submit}>
      <Field label="First month" className={styles.month} {...field('from')}>
        <Input type="month" value={start} onChange={(_, d) => setStart(d.value)} />
      </Field>
      <Field label="Last month" className={styles.month} {...field('to')}>
        <Input type="month" value={end} onChange={(_, d) => setEnd(d.value)} />
      </Field>
      <Button type="submit" appearance="primary">
        Show
      </Button>
      <Button onClick={() => preset(3)}>Last 3 months</Button>
      <Button onClick={() => preset(12)}>Last 12 months</Button>
    </form>
  );
}

function Summary({ insights }: { insights: Insights }) {
  const styles = useStyles();
  const { leads, rates, responseTime } = insights;
  const tiles: Array<[string, string]> = [
    ['Leads received', count(leads.received)],
    ['Open', count(leads.open)],
    ['Accepted', count(leads.accepted)],
    ['Won', count(leads.won)],
    ['Acceptance rate', formatRate(rates.acceptance)],
    ['Median response', formatDuration(responseTime.medianSeconds)],
    ['Pipeline', amounts(insights.value.pipeline)],
    ['Won value', amounts(insights.value.won)],
  ];
  return (
    <section aria-label="Summary">
      <dl className={styles.tiles}>
        {tiles.map(([name, value]) => (
          <div key={name} className={styles.tile}>
            <dd className={styles.tileValue}>{value}</dd>
            <dt className={styles.tileName}>{name}</dt>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Charts({ insights }: { insights: Insights }) {
  const styles = useStyles();
  const months = insights.months;
  const funnel = funnelOf(insights.leads);
  const reasons = declineReasonsOf(insights);
  const rt = insights.responseTime;
  const prt = insights.platform.responseTime;
  const typesId = useId();
  const unit = timeUnit([rt.medianSeconds, rt.p90Seconds, prt.medianSeconds, prt.p90Seconds]);
  return (
    <div className={styles.grid}>
      <div className={styles.wide}>
        <ChartCard
          title="Leads by month"
          description="Leads received each month, by where they stand now."
          table={{
            columns: ['Month', 'Received', ...outcomeParts.map((p) => outcomePartLabels[p])],
            rows: months.map((m) => {
              const parts = outcomesOf(m.leads);
              return {
                name: formatMonth(m.month),
                cells: [count(m.leads.received), ...outcomeParts.map((p) => count(parts[p]))],
              };
            }),
          }}
        >
          <VerticalStackedBarChart
            chartTitle="Leads by month"
            height={280}
            barWidth="auto"
            maxBarWidth={48}
            yAxisTitle="Leads"
            data={months.map((m) => {
              const parts = outcomesOf(m.leads);
              return {
                xAxisPoint: formatMonth(m.month),
                chartData: outcomeParts.map((p) => ({
                  legend: outcomePartLabels[p],
                  data: parts[p],
                  color: partColors[p],
                })),
              };
            })}
          />
        </ChartCard>
      </div>
      <ChartCard
        title="From received to won"
        description="How many of the period's leads reached each step."
        table={{
          columns: ['Step', 'Leads'],
          rows: funnel.map((f) => ({ name: f.stage, cells: [count(f.count)] })),
        }}
      >
        <HorizontalBarChartWithAxis
          chartTitle="From received to won"
          height={220}
          hideLegend
          showYAxisLables
          xAxisTickCount={wholeTicks(funnel.map((f) => f.count))}
          data={funnel.map((f, i) => ({
            y: f.stage,
            x: f.count,
            legend: f.stage,
            color: i === funnel.length - 1 ? color.won : color.step,
          }))}
          yAxisCategoryOrder="data"
        />
      </ChartCard>
      <ChartCard
        title="Rates, yours and all partners'"
        description="Percentages of the same months; a rate with nothing to divide is left out."
        table={{
          columns: ['Rate', YOU, PLATFORM],
          rows: rateNames.map((r) => ({
            name: `${rateLabels[r]} (${rateHints[r]})`,
            cells: [formatRate(insights.rates[r]), formatRate(insights.platform.rates[r])],
          })),
        }}
      >
        <GroupedVerticalBarChart
          chartTitle="Rates, yours and all partners'"
          height={260}
          hideLabels
          yMaxValue={100}
          yAxisTitle="%"
          data={rateNames.map((r) => ({
            name: rateLabels[r],
            series: [
              { key: 'you', legend: YOU, data: pct(insights.rates[r]), color: color.you },
              {
                key: 'platform',
                legend: PLATFORM,
                data: pct(insights.platform.rates[r]),
                color: color.platform,
              },
            ],
          }))}
        />
      </ChartCard>
      <ChartCard
        title="Response time"
        description={`From receipt to accept or decline, in ${unit.name.toLowerCase()}: half the answers came faster than the median, nine in ten faster than the 90th percentile.`}
        table={{
          columns: ['Percentile', YOU, PLATFORM],
          rows: [
            { name: 'Median', cells: [formatDuration(rt.medianSeconds), formatDuration(prt.medianSeconds)] },
            {
              name: '90th percentile',
              cells: [formatDuration(rt.p90Seconds), formatDuration(prt.p90Seconds)],
            },
          ],
        }}
      >
        <GroupedVerticalBarChart
          chartTitle="Response time"
          height={260}
          yAxisTitle={unit.name}
          data={[
            { name: 'Median', p: [rt.medianSeconds, prt.medianSeconds] as const },
            { name: '90th percentile', p: [rt.p90Seconds, prt.p90Seconds] as const },
          ].map(({ name, p }) => ({
            name,
            series: [
              {
                key: 'you',
                legend: YOU,
                data: inUnit(p[0], unit),
                yAxisCalloutData: formatDuration(p[0]),
                color: color.you,
              },
              {
                key: 'platform',
                legend: PLATFORM,
                data: inUnit(p[1], unit),
                yAxisCalloutData: formatDuration(p[1]),
                color: color.platform,
              },
            ],
          }))}
        />
      </ChartCard>
      {reasons.length > 0 && (
        <ChartCard
          title="Why leads were declined"
          table={{
            columns: ['Reason', 'Leads'],
            rows: reasons.map(([reason, n]) => ({ name: reasonLabel(reason), cells: [count(n)] })),
          }}
        >
          <HorizontalBarChartWithAxis
            chartTitle="Why leads were declined"
            height={Math.max(120, 44 * reasons.length)}
            hideLegend
            showYAxisLables
            barHeight={24}
            xAxisTickCount={wholeTicks(reasons.map(([, n]) => n))}
            margins={{ left: 180 }}
            yAxisCategoryOrder="data"
            data={reasons.map(([reason, n]) => ({
              y: reasonLabel(reason),
              x: n,
              legend: reasonLabel(reason),
              color: color.reason,
            }))}
          />
        </ChartCard>
      )}
      <section className={mergeClasses(styles.card, styles.wide)} aria-labelledby={typesId}>
        <h2 id={typesId} className={styles.cardTitle}>
          By lead type
        </h2>
        <FiguresTable
          title="By lead type"
          table={{
            columns: ['Lead type', 'Received', 'Open', 'Accepted', 'Declined', 'Expired', 'Won', 'Lost'],
            rows: Object.entries(insights.byType).map(([type, c]) => ({
              name: leadTypeLabels[type as keyof typeof leadTypeLabels] ?? type,
              cells: [c.received, c.open, c.accepted, c.declined, c.expired, c.won, c.lost].map(count),
            })),
          }}
        />
      </section>
    </div>
  );
}

/** Ticks on whole leads only: as many as the largest count, up to six. */
const wholeTicks = (counts: number[]) => Math.max(1, Math.min(6, ...counts));

/** A rate as a bar's height in percent; no data is no bar. */
const pct = (rate: number | null) => (rate === null ? 0 : Math.round(rate * 1000) / 10);

export default function InsightsPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const insights = useInsights({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const data = insights.data;
  // Until an answer says which months it covers: the address's, else the API's default.
  const shown = data ?? {
    ...lastMonths(3, to ?? new Date().toISOString().slice(0, 7)),
    ...(from ? { from } : {}),
  };
  return (
    <>
      <PageHeading title="Insights" />
      <Text className={styles.intro}>
        The leads received in the chosen months, as they stand now: how many you answered, how fast, and what
        came of them, beside every partner on the platform together.
      </Text>
      <PeriodForm
        // A new answer (another period) starts the form from what is shown.
        key={`${shown.from}/${shown.to}`}
        from={shown.from}
        to={shown.to}
        refused={insights.error}
        onChange={(period) => setParams(period)}
      />
      {insights.isPending && <Spinner label="Loading insights…" />}
      {insights.isError && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              {insights.error instanceof ApiError
                ? insights.error.problem.title
                : 'The insights could not be loaded'}
            </MessageBarTitle>
            {insights.error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {data && (
        <div aria-busy={insights.isFetching}>
          <Summary insights={data} />
          <Charts insights={data} />
          <Text size={200} className={styles.asOf}>
            {formatMonth(data.from)} to {formatMonth(data.to)}, as of {new Date(data.asOf).toLocaleString()}.
          </Text>
        </div>
      )}
    </>
  );
}
