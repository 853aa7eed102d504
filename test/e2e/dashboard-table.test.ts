import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { passesFilters } from '../../shared/export/rules.ts';
import { type Annotation, exportOptionsSchema, type SyncPullResponse } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { rowIds, screenshot, seed, total, useDashboard } from './support/dashboard-fixture.ts';

/** The row that has the keyboard focus. */
const focusedRow = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-row-id') ?? null);
const tick = (page: Page, id: string, options: { shift?: boolean } = {}) =>
  page.locator(`tr[data-row-id="${id}"] td[data-column="select"] input`).click({
    modifiers: options.shift ? ['Shift'] : [],
  });
const lastUserTurn = (annotation: Annotation) =>
  annotation.context.filter((message) => message.role === 'user').at(-1)?.content ?? '';

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

  it('shows the prompt each response answers: the last user turn before it', async () => {
    const multiTurn = makeAnnotation({
      context: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'How do I reset the router?' },
        { role: 'assistant', content: 'Unplug it.' },
        { role: 'user', content: 'That did not help,\n  what   else?' },
      ],
      response: 'Hold the reset pin for ten seconds.',
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    await fx.push([multiTurn]);
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length + 1);
    // The newest row first: the last user turn, on one line.
    expect(await page.locator(`tr[data-row-id="${multiTurn.id}"] td[data-column="prompt"]`).textContent()).toBe(
      'That did not help, what else?',
    );
    for (const id of (await rowIds(page)).slice(1, 10)) {
      const annotation = data.all.find((candidate) => candidate.id === id) as Annotation;
      const cell = page.locator(`tr[data-row-id="${id}"] td[data-column="prompt"]`);
      expect(await cell.textContent(), id ?? '').toBe(lastUserTurn(annotation).replace(/\s+/g, ' ').trim());
    }
    expect(await page.locator('th[data-column="prompt"]').textContent()).toBe('Prompt');
    expect(problems).toEqual([]);
  });

  it('moves through the rows with j/k and the arrows, opens with Enter, closes with Esc', async () => {
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length);
    const ids = await rowIds(page);
    // Typing j in a text field types a j.
    await page.locator('input[name="q"]').focus();
    await page.keyboard.press('j');
    expect(await page.locator('input[name="q"]').inputValue()).toBe('j');
    await page.locator('input[name="q"]').fill('');
    await expect.poll(() => total(page)).toBe(data.all.length);
    await page.locator('main#page').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j'); // from outside the table: onto the first row
    expect(await focusedRow(page)).toBe(ids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await focusedRow(page)).toBe(ids[2]);
    await page.keyboard.press('k');
    expect(await focusedRow(page)).toBe(ids[1]);
    await page.keyboard.press('ArrowDown');
    expect(await focusedRow(page)).toBe(ids[2]);
    await page.keyboard.press('Enter');
    await page.locator(`.detail[data-annotation-id="${ids[2]}"]`).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/annotations/${ids[2]}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.detail').count()).toBe(0);
    // End: the last row of all (not yet rendered: the table is virtual), scrolled into view.
    const listed = await fx.api<{ rows: { id: string }[] }>('/api/v1/annotations?limit=500');
    const last = listed.rows.at(-1)?.id;
    expect(ids).not.toContain(last);
    await page.locator(`tr[data-row-id="${ids[0]}"]`).focus();
    await page.keyboard.press('End');
    await expect.poll(() => focusedRow(page)).toBe(last);
    expect(await page.locator(`tr[data-row-id="${last}"]`).isVisible()).toBe(true);
    await page.keyboard.press('Home');
    await expect.poll(() => focusedRow(page)).toBe(ids[0]);
    expect(problems).toEqual([]);
  });

  it('tags and deletes ticked rows through the edit and delete routes, so sync carries them', async () => {
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length);
    const ids = (await rowIds(page)) as string[];
    const original = (id: string) => data.all.find((annotation) => annotation.id === id) as Annotation;
    // Tick one, shift-tick a fourth: the range of four; x toggles the cursor row.
    await tick(page, ids[0] as string);
    await tick(page, ids[3] as string, { shift: true });
    await page.locator(`tr[data-row-id="${ids[5]}"]`).focus();
    await page.keyboard.press('x');
    const bar = page.getByRole('group', { name: 'Selected annotations' });
    expect(await bar.locator('[data-selected]').getAttribute('data-selected')).toBe('5');
    await page.keyboard.press('x');
    expect(await bar.locator('[data-selected]').getAttribute('data-selected')).toBe('4');
    const tagged = ids.slice(0, 4);
    await screenshot(page, 'annotations-selected');

    // Meanwhile another browser edits one of them: that one is refused and stays ticked.
    const changed = original(tagged[1] as string);
    await fx.api(`/api/v1/annotations/${changed.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ baseRevision: 1, comment: 'edited elsewhere' }),
    });
    const before = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${fx.seeded}`);
    await bar.getByLabel('Tags for the selected annotations').fill('batch-1, checked');
    await bar.getByRole('button', { name: 'Add tags' }).click();
    const result = page.locator('[data-bulk-result]');
    await result.waitFor();
    expect(await result.textContent()).toContain('Tagged 3 annotations. 1 not: changed since the table loaded');
    expect(await bar.locator('[data-selected]').getAttribute('data-selected')).toBe('1');
    const pulled = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${before.checkpoint}`);
    expect(pulled.annotations.map((annotation) => annotation.id).sort()).toEqual(
      tagged.filter((id) => id !== changed.id).sort(),
    );
    for (const annotation of pulled.annotations) {
      const was = original(annotation.id);
      expect(annotation).toEqual({
        ...was,
        tags: [...was.tags, 'batch-1', 'checked'],
        revision: 2,
        updatedAt: annotation.updatedAt,
      });
    }
    // The rows show the new tags; the edited one, now reloaded, takes them on a second try.
    await expect
      .poll(() => page.locator(`tr[data-row-id="${tagged[0]}"] td[data-column="tags"]`).textContent())
      .toContain('batch-1');
    await bar.getByRole('button', { name: 'Add tags' }).click();
    await expect.poll(() => result.textContent()).toContain('Tagged 1 annotation.');
    expect(await page.getByRole('group', { name: 'Selected annotations' }).count()).toBe(0);

    // Delete asks first; no means nothing happens.
    await tick(page, ids[6] as string);
    await tick(page, ids[7] as string);
    const prompts: string[] = [];
    page.once('dialog', (dialog) => {
      prompts.push(dialog.message());
      void dialog.dismiss();
    });
    await bar.getByRole('button', { name: 'Delete…' }).click();
    expect(prompts[0]).toContain('Delete 2 annotations?');
    const mid = await fx.api<SyncPullResponse>('/api/v1/sync/pull?since=0&limit=1000');
    page.once('dialog', (dialog) => void dialog.accept());
    await bar.getByRole('button', { name: 'Delete…' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length - 2);
    const deleted = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${mid.checkpoint}`);
    expect(deleted.annotations.map((annotation) => [annotation.id, annotation.deletedAt !== null]).sort()).toEqual(
      [
        [ids[6], true],
        [ids[7], true],
      ].sort(),
    );
    expect(problems).toEqual([]);
  });

  it('saves named filters in this browser, applies and deletes them', async () => {
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length);
    const expected = data.all.filter((annotation) =>
      passesFilters(annotation, exportOptionsSchema.parse({ format: 'raw', site: 'claude', minScore: '40' })),
    ).length;
    await page.locator('select[name="site"]').selectOption('claude');
    await page.locator('input[name="minScore"]').fill('40');
    await page.locator('input[name="minScore"]').press('Tab');
    await expect.poll(() => total(page)).toBe(expected);
    await page.getByLabel('Name for these filters').fill('Claude, 40 and up');
    await page.getByRole('button', { name: 'Save filters' }).click();
    const saved = page.locator('select[name="savedFilter"]');
    expect(await saved.inputValue()).toBe('Claude, 40 and up');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length);
    expect(await saved.inputValue()).toBe('');
    // Kept across a reload (and a new tab: localStorage, not the tab's session).
    await page.reload();
    await saved.selectOption('Claude, 40 and up');
    await expect.poll(() => total(page)).toBe(expected);
    expect(await page.locator('select[name="site"]').inputValue()).toBe('claude');
    expect(await page.locator('input[name="minScore"]').inputValue()).toBe('40');
    await screenshot(page, 'annotations-saved-filter');

    await page.getByRole('button', { name: 'Delete “Claude, 40 and up”' }).click();
    expect(await page.locator('select[name="savedFilter"]').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('margin.savedFilters'))).toBe('[]');
    expect(problems).toEqual([]);
  });

  it('keeps what is being typed in a filter while the table reloads under it', async () => {
    const { page, problems } = await fx.open();
    await expect.poll(() => total(page)).toBe(data.all.length);
    // Typed, not yet committed (no Tab): another filter changes and the rows and counts reload.
    await page.locator('input[name="maxScore"]').fill('60');
    await page.locator('select[name="site"]').selectOption('claude');
    await expect.poll(() => new URL(page.url()).hash).toContain('site=claude');
    await expect.poll(() => total(page)).toBe(data.all.filter((a) => a.site === 'claude').length);
    expect(await page.locator('input[name="maxScore"]').inputValue()).toBe('60');
    await page.locator('input[name="maxScore"]').press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toContain('maxScore=60');
    expect(problems).toEqual([]);
  });
});
