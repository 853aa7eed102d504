import { describe, expect, it } from 'vitest';
import { bucketDays, countRange, timeRange } from '../../companion/dashboard/src/components/chart-scales.ts';

const DAY = 86_400;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const days = (...list: [string, number][]) => list.map(([d, count]) => ({ day: d, count, up: count, down: 0 }));

describe("the over-time chart's scales", () => {
  it('shows one day within a week of days, centred, not within years', () => {
    const series = bucketDays(days(['2026-11-04', 3]));
    expect(series.unit).toBe('day');
    const [min, max] = timeRange(series.x, series.unit);
    expect(max - min).toBe(7 * DAY);
    expect((min + max) / 2).toBe(day('2026-11-04'));
  });

  it('groups a long span into months and pads it by a little, not by years', () => {
    const list = Array.from({ length: 5 * 52 }, (_, week) => ({
      day: new Date((day('2021-06-01') + week * 7 * DAY) * 1000).toISOString().slice(0, 10),
      count: 1,
      up: 1,
      down: 0,
    }));
    const series = bucketDays(list);
    expect(series.unit).toBe('month');
    expect(series.x[0]).toBe(day('2021-06-01'));
    expect(series.count.reduce((sum, count) => sum + count, 0)).toBe(list.length);
    const [min, max] = timeRange(series.x, series.unit);
    expect(min).toBeLessThan(day('2021-06-01'));
    expect(max).toBeGreaterThan(series.x.at(-1) ?? Number.NaN);
    expect(max - min).toBeLessThan(5.5 * 365 * DAY);
  });

  it('groups a year into ISO weeks starting on Monday', () => {
    const series = bucketDays(days(['2026-01-01', 1], ['2026-01-04', 2], ['2026-01-05', 4], ['2026-12-31', 1]));
    expect(series.unit).toBe('week');
    // 2026-01-01 is a Thursday: its week starts on Monday 2025-12-29 and ends on Sunday 2026-01-04.
    expect(series.x.slice(0, 2)).toEqual([day('2025-12-29'), day('2026-01-05')]);
    expect(series.count.slice(0, 2)).toEqual([3, 4]);
  });

  it('puts the highest count below the top, with whole-number room', () => {
    expect(countRange([1])).toEqual([0, 2]);
    expect(countRange([0])).toEqual([0, 1]);
    expect(countRange([37])[1]).toBeGreaterThan(37);
    expect(countRange([37])[1]).toBeLessThanOrEqual(60);
    expect(countRange([1000])[1]).toBe(1500);
  });
});
