import type { InsightsResponse } from '../../../../shared/dashboard.ts';

/**
 * The "annotations over time" series: the companion counts per UTC day; here the days are grouped
 * into weeks or months when the data spans long enough that per-day points would be noise, and the
 * x range is chosen so that a single day, a busy day or five years all sit inside a readable axis.
 * Times are in seconds (uPlot's unit).
 */

export type TimeUnit = 'day' | 'week' | 'month';

export interface TimeSeries {
  unit: TimeUnit;
  /** Start of each bucket (UTC), ascending. */
  x: number[];
  count: number[];
  up: number[];
  down: number[];
}

const DAY = 86_400;
/** A bucket's typical width, for padding the range. */
export const UNIT_SECONDS: Record<TimeUnit, number> = { day: DAY, week: 7 * DAY, month: 30 * DAY };
/** Up to about three months per day; up to two years per week; beyond, per month. */
const DAYS_PER_DAY_UNIT = 92;
const DAYS_PER_WEEK_UNIT = 731;
/** The narrowest axis, in buckets: one day alone is shown within a week, not within hours. */
const MIN_BUCKETS_SHOWN = 7;

function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

function bucketStart(seconds: number, unit: TimeUnit): number {
  if (unit === 'day') return seconds;
  const date = new Date(seconds * 1000);
  if (unit === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
  // Weeks start on Monday (ISO 8601).
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return seconds - sinceMonday * DAY;
}

export function unitFor(days: InsightsResponse['days']): TimeUnit {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return 'day';
  const spanDays = (dayStart(last.day) - dayStart(first.day)) / DAY;
  if (spanDays <= DAYS_PER_DAY_UNIT) return 'day';
  return spanDays <= DAYS_PER_WEEK_UNIT ? 'week' : 'month';
}

/** The companion's days (ascending), grouped into the unit that suits their span. */
export function bucketDays(days: InsightsResponse['days']): TimeSeries {
  const unit = unitFor(days);
  const series: TimeSeries = { unit, x: [], count: [], up: [], down: [] };
  for (const day of days) {
    const start = bucketStart(dayStart(day.day), unit);
    const last = series.x.length - 1;
    if (last >= 0 && series.x[last] === start) {
      series.count[last] = (series.count[last] ?? 0) + day.count;
      series.up[last] = (series.up[last] ?? 0) + day.up;
      series.down[last] = (series.down[last] ?? 0) + day.down;
    } else {
      series.x.push(start);
      series.count.push(day.count);
      series.up.push(day.up);
      series.down.push(day.down);
    }
  }
  return series;
}

/**
 * The x range: every bucket inside, with half a bucket (or 2 % of the span) to spare on each side, and
 * never narrower than a week of days (a single point would otherwise get an axis of hours, or uPlot's
 * own guess, which spans years and puts the point on the edge).
 */
export function timeRange(x: readonly number[], unit: TimeUnit): [number, number] {
  const width = UNIT_SECONDS[unit];
  const first = x[0] ?? 0;
  const last = x.at(-1) ?? first;
  const pad = Math.max(width / 2, (last - first) * 0.02);
  let min = first - pad;
  let max = last + pad;
  const narrowest = MIN_BUCKETS_SHOWN * width;
  if (max - min < narrowest) {
    const middle = (first + last) / 2;
    min = middle - narrowest / 2;
    max = middle + narrowest / 2;
  }
  return [min, max];
}

/** A y range from 0 to a round number above the highest count (at least 1, so one annotation is not at the top edge). */
export function countRange(values: readonly number[]): [number, number] {
  const high = Math.max(0, ...values);
  if (high === 0) return [0, 1];
  const target = high * 1.1;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((factor) => factor * magnitude >= target) ?? 10;
  return [0, Math.max(high + 1, step * magnitude)];
}

/** Tick steps for counts: whole numbers only. */
export const COUNT_INCREMENTS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1e6, 1e7,
];

/**
 * Tick steps for time axes of whole days or more (seconds): uPlot's own steps from a day up (a month is
 * its 30 days, a year 365, which it aligns to calendar months and years), so no hour ticks under daily data.
 */
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;
export const DAY_INCREMENTS = [
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15].map((days) => days * DAY),
  ...[1, 2, 3, 4, 6].map((months) => months * MONTH),
  ...[1, 2, 5, 10, 25, 50, 100].map((years) => years * YEAR),
];
