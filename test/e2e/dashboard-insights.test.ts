import { describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { screenshot, seed, seriesInk, total, useDashboard } from './support/dashboard-fixture.ts';

describe('dashboard insights (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('draws every chart from the data, and only from the data', async () => {
    const { page, problems } = await fx.open();
    await page.getByRole('link', { name: 'Insights' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length);
    const charts = ['over-time', 'per-site', 'per-model', 'scores', 'tags'];
    for (const chart of charts) {
      await page.locator(`[data-chart="${chart}"] canvas`).first().waitFor();
      await expect.poll(() => seriesInk(page, chart), { message: chart }).toBeGreaterThan(200);
    }
    await screenshot(page, 'insights');
    // A filter nothing matches leaves no chart to draw.
    await page.locator('input[name="minScore"]').fill('100');
    await page.locator('input[name="minScore"]').press('Tab');
    await expect.poll(() => total(page)).toBe(0);
    expect(await page.getByText('No data for these filters.').count()).toBe(charts.length);
    expect(await page.locator('.chart canvas').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

const DAY_S = 86_400;
const utcDay = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 1000;

/** Three collections the over-time chart must draw readably: one annotation, one busy day, five years. */
const TIMELINES = [
  {
    name: 'one annotation',
    artifact: 'insights-one-point',
    annotations: () => [makeAnnotation({ createdAt: '2026-11-04T10:00:00.000Z', thumb: 'up' })],
    unit: 'per day',
    first: utcDay('2026-11-04'),
    last: utcDay('2026-11-04'),
    span: [3 * DAY_S, 14 * DAY_S],
  },
  {
    name: 'one day of annotations',
    artifact: 'insights-one-day',
    annotations: () =>
      Array.from({ length: 40 }, (_, index) =>
        makeAnnotation({
          createdAt: new Date(Date.UTC(2026, 10, 4, 0, index * 30)).toISOString(),
          thumb: index % 3 === 0 ? 'down' : 'up',
        }),
      ),
    unit: 'per day',
    first: utcDay('2026-11-04'),
    last: utcDay('2026-11-04'),
    span: [3 * DAY_S, 14 * DAY_S],
  },
  {
    name: 'five years of annotations',
    artifact: 'insights-five-years',
    annotations: () =>
      Array.from({ length: 261 }, (_, week) =>
        makeAnnotation({ createdAt: new Date(Date.UTC(2021, 5, 1) + week * 7 * DAY_S * 1000).toISOString() }),
      ),
    unit: 'per month',
    first: utcDay('2021-06-01'),
    last: utcDay('2026-05-01'),
    span: [5 * 365 * DAY_S, 6 * 365 * DAY_S],
  },
];

describe('annotations over time: sensible axes whatever the span (Chromium)', () => {
  const fx = useDashboard();

  for (const timeline of TIMELINES) {
    it(`draws ${timeline.name} inside a readable axis`, async () => {
      const annotations = timeline.annotations();
      await fx.push(annotations);
      const { page, problems } = await fx.open();
      await page.getByRole('link', { name: 'Insights' }).click();
      await expect.poll(() => total(page)).toBe(annotations.length);
      const chart = page.locator('[data-chart="over-time"]');
      await chart.locator('.chart[data-x-range]').waitFor();
      expect(await chart.locator('h2').textContent()).toContain(timeline.unit);

      const range = async (axis: 'x' | 'y') =>
        ((await chart.locator('.chart').getAttribute(`data-${axis}-range`)) ?? '').split(',').map(Number);
      const [xMin = Number.NaN, xMax = Number.NaN] = await range('x');
      // Every bucket inside the plot, with room on both sides (not on the edge, where a point is cut in half).
      expect(xMin).toBeLessThan(timeline.first - DAY_S / 4);
      expect(xMax).toBeGreaterThan(timeline.last + DAY_S / 4);
      // The axis spans the data, not years around a single day.
      expect(xMax - xMin).toBeGreaterThanOrEqual(timeline.span[0] as number);
      expect(xMax - xMin).toBeLessThanOrEqual(timeline.span[1] as number);
      // The highest count sits below the top edge, and the axis is not ten times taller than the data.
      const [yMin, yMax = Number.NaN] = await range('y');
      const highest = Math.max(
        ...Object.values(
          annotations.reduce<Record<string, number>>((counts, annotation) => {
            const bucket =
              timeline.unit === 'per month' ? annotation.createdAt.slice(0, 7) : annotation.createdAt.slice(0, 10);
            counts[bucket] = (counts[bucket] ?? 0) + 1;
            return counts;
          }, {}),
        ),
      );
      expect(yMin).toBe(0);
      expect(yMax).toBeGreaterThan(highest);
      expect(yMax).toBeLessThanOrEqual(2 * highest + 1);
      // And the series is drawn (a lone point too).
      await expect.poll(() => seriesInk(page, 'over-time')).toBeGreaterThan(20);
      await screenshot(page, timeline.artifact);
      expect(problems).toEqual([]);
    });
  }
});
