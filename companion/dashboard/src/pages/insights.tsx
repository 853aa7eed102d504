import { useEffect, useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { API } from '../../../../shared/api/index.ts';
import type { InsightGroup, InsightsResponse } from '../../../../shared/dashboard.ts';
import { api, errorText, isAbort, type Query } from '../api.ts';
import { barSeries, Chart, COLORS, categoryAxis } from '../components/chart.tsx';
import {
  bucketDays,
  COUNT_INCREMENTS,
  countRange,
  DAY_INCREMENTS,
  type TimeUnit,
  timeRange,
} from '../components/chart-scales.ts';
import { Filters, filterQuery } from '../components/filters.tsx';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';

const BUCKETS = ['0–9', '10–19', '20–29', '30–39', '40–49', '50–59', '60–69', '70–79', '80–89', '90–100'];

const UNIT_TITLES: Record<TimeUnit, string> = { day: 'per day', week: 'per week', month: 'per month' };
/** The companion counts per UTC day, so the axis shows UTC dates (a viewer west of Greenwich would see the day before). */
const utcDate = (seconds: number) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');

interface ChartSpec {
  id: string;
  title: string;
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  empty: boolean;
}

function perGroup(id: string, title: string, groups: InsightGroup[]): ChartSpec {
  const labels = groups.map((group) => group.key);
  return {
    id,
    title,
    empty: groups.length === 0,
    options: {
      ...categoryAxis(labels, 100),
      series: [{}, barSeries('Thumbs-up rate (%)', COLORS.green, -1), barSeries('Mean score', COLORS.blue, 1)],
    },
    data: [
      labels.map((_, index) => index),
      groups.map((group) => (group.upRate === null ? null : Math.round(group.upRate * 1000) / 10)),
      groups.map((group) => (group.meanScore === null ? null : Math.round(group.meanScore * 10) / 10)),
    ],
  };
}

function overTime(insights: InsightsResponse): ChartSpec {
  const series = bucketDays(insights.days);
  const few = series.x.length < 60;
  return {
    id: 'over-time',
    title: `Annotations over time (${UNIT_TITLES[series.unit]})`,
    empty: series.x.length === 0,
    options: {
      tzDate: utcDate,
      scales: {
        x: { time: true, range: () => timeRange(series.x, series.unit) },
        y: { range: () => countRange(series.count) },
      },
      axes: [{ incrs: DAY_INCREMENTS }, { incrs: COUNT_INCREMENTS }],
      series: [
        {},
        { label: 'Annotations', stroke: COLORS.blue, width: 2, points: { show: few, size: 7 } },
        { label: 'Thumbs up', stroke: COLORS.green, width: 1.5, points: { show: few } },
        { label: 'Thumbs down', stroke: COLORS.red, width: 1.5, points: { show: few } },
      ],
    },
    data: [series.x, series.count, series.up, series.down],
  };
}

function charts(insights: InsightsResponse): ChartSpec[] {
  const tags = insights.tags;
  return [
    overTime(insights),
    perGroup('per-site', 'Thumbs-up rate and mean score per site', insights.sites),
    perGroup('per-model', 'Thumbs-up rate and mean score per model', insights.models),
    {
      id: 'scores',
      title: 'Score histogram',
      empty: insights.scoreHistogram.every((count) => count === 0),
      options: { ...categoryAxis(BUCKETS), series: [{}, barSeries('Annotations', COLORS.purple)] },
      data: [BUCKETS.map((_, index) => index), insights.scoreHistogram],
    },
    {
      id: 'tags',
      title: 'Tags (most used)',
      empty: tags.length === 0,
      options: { ...categoryAxis(tags.map((tag) => tag.value)), series: [{}, barSeries('Annotations', COLORS.orange)] },
      data: [tags.map((_, index) => index), tags.map((tag) => tag.count)],
    },
  ];
}

/** Charts of what the filters select; every number is aggregated on the companion. */
export function InsightsPage({ route }: PageProps) {
  const { params } = route;
  const query = filterQuery(params);
  const key = JSON.stringify(query);
  const [insights, setInsights] = useState<InsightsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api(API.annotations.insights, { query: JSON.parse(key) as Query }, controller.signal).then(
      (value) => {
        setInsights(value);
        setError(null);
      },
      (reason: unknown) => {
        if (!isAbort(reason)) setError(errorText(reason));
      },
    );
    return () => controller.abort();
  }, [key]);

  const specs = useMemo(() => (insights ? charts(insights) : []), [insights]);
  return (
    <div class="insights">
      <Filters params={params} onChange={(next) => navigate(routeHref('insights', [], next), { replace: true })} />
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {insights && (
        <p class="status" data-total={insights.total}>
          {formatCount(insights.total)} annotations
          {insights.pendingIndex > 0 && <span class="muted"> · indexing {formatCount(insights.pendingIndex)}…</span>}
        </p>
      )}
      <div class="cards">
        {specs.map((spec) => (
          <section class="card" key={spec.id} data-chart={spec.id}>
            <h2>{spec.title}</h2>
            {spec.empty ? (
              <p class="muted">No data for these filters.</p>
            ) : (
              <Chart title={spec.title} options={spec.options} data={spec.data} />
            )}
          </section>
        ))}
      </div>
    </div>
  );
}
