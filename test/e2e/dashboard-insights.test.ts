import { describe, expect, it } from 'vitest';
import { screenshot, seed, seriesInk, total, useDashboard } from './dashboard-support.ts';

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

