import { describe, expect, it } from 'vitest';
import { passesFilters } from '../../shared/export/rules.ts';
import { exportOptionsSchema } from '../../shared/index.ts';
import { rowIds, screenshot, seed, total, useDashboard } from './support/dashboard-fixture.ts';

describe('dashboard table (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('narrows the table by full-text search and by the export filters, sorted on the server', async () => {
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length);
    await screenshot(page, 'annotations');

    await page.locator('input[name="q"]').fill('entangle');
    await expect.poll(() => total(page)).toBe(1);
    await expect.poll(() => rowIds(page)).toEqual([data.searchable.id]);
    await page.locator('input[name="q"]').fill('physics check'); // the comment, words in any order
    await expect.poll(() => rowIds(page)).toEqual([data.searchable.id]);
    await page.locator('input[name="q"]').fill('');
    await expect.poll(() => total(page)).toBe(data.all.length);

    const expected = (filters: Record<string, string>) =>
      data.all
        .filter((annotation) => passesFilters(annotation, exportOptionsSchema.parse({ format: 'raw', ...filters })))
        .map((annotation) => annotation.id)
        .sort();
    await page.locator('select[name="site"]').selectOption('claude');
    await expect.poll(() => total(page)).toBe(expected({ site: 'claude' }).length);
    await page.locator('input[name="minScore"]').fill('40');
    await page.locator('input[name="minScore"]').press('Tab');
    const narrowed = expected({ site: 'claude', minScore: '40' });
    expect(narrowed.length).toBeGreaterThan(1);
    expect(narrowed.length).toBeLessThan(expected({ site: 'claude' }).length);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(narrowed);
    await page.locator('select[name="tag"]').selectOption('long');
    await expect
      .poll(async () => (await rowIds(page)).sort())
      .toEqual(expected({ site: 'claude', minScore: '40', tag: 'long' }));
    await page.locator('select[name="tag"]').selectOption('');

    // Sorted by score on the server, highest first, then lowest first.
    await page.getByRole('button', { name: 'Score' }).click();
    const byScore = (ids: (string | null)[]) =>
      ids.map((id) => data.all.find((annotation) => annotation.id === id)?.score ?? null);
    await expect
      .poll(async () => byScore(await rowIds(page)))
      .toEqual(
        narrowed.map((id) => data.all.find((a) => a.id === id)?.score ?? null).sort((a, b) => (b ?? 0) - (a ?? 0)),
      );
    await page.getByRole('button', { name: /^Score/ }).click();
    await expect
      .poll(async () => byScore(await rowIds(page)))
      .toEqual(
        narrowed.map((id) => data.all.find((a) => a.id === id)?.score ?? null).sort((a, b) => (a ?? 0) - (b ?? 0)),
      );

    // The filters live in the address: a reload keeps them.
    await page.reload();
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(narrowed);
    expect(problems).toEqual([]);
  });
});
