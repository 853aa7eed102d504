import { describe, expect, it } from 'vitest';
import type { Annotation, SyncPullResponse } from '../../shared/index.ts';
import { screenshot, seed, useDashboard, XSS_COMMENT } from './support/dashboard-fixture.ts';

describe('dashboard detail view (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('saves an edit that survives a reload and reaches the extension through a sync pull; deletes too', async () => {
    const { page, problems } = await fx.open();
    const target = data.filler[2] as Annotation;
    await page.locator('input[name="q"]').fill(`Answer ${target.response.split(' ')[1]?.replace(':', '')}`);
    await page.locator(`tr[data-row-id="${target.id}"]`).click();
    const detail = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await detail.waitFor();
    await detail.getByLabel('▼ down').check();
    await detail.getByLabel('Score (0–100)').fill('33');
    await detail.getByLabel('Tags (comma separated)').fill('wrong, needs-citation');
    await detail.getByLabel('Comment').fill('Misses the firmware step.');
    await detail.getByRole('button', { name: 'Write a better response' }).click();
    await detail.getByLabel('Correction (markdown)').fill('Update the firmware first, then reset the router.');
    await detail.getByRole('button', { name: 'Save' }).click();
    await detail.getByRole('status').filter({ hasText: 'Saved (revision 2).' }).waitFor();
    await detail.locator('.bubble.correction').filter({ hasText: 'Update the firmware first' }).waitFor();
    const cells = page.locator(`tr[data-row-id="${target.id}"] td`);
    await expect
      .poll(async () => [await cells.nth(3).textContent(), await cells.nth(4).textContent()])
      .toEqual(['▼ down', '33']);
    await screenshot(page, 'detail');

    await page.reload();
    const reloaded = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await reloaded.waitFor();
    expect(await reloaded.getAttribute('data-revision')).toBe('2');
    expect(await reloaded.getByLabel('Score (0–100)').inputValue()).toBe('33');
    expect(await reloaded.getByLabel('Tags (comma separated)').inputValue()).toBe('wrong, needs-citation');
    expect(await reloaded.getByLabel('Comment').inputValue()).toBe('Misses the firmware step.');
    expect(await reloaded.getByLabel('▼ down').isChecked()).toBe(true);

    const pull = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${fx.seeded}`);
    expect(pull.annotations).toHaveLength(1);
    expect(pull.annotations[0]).toMatchObject({
      id: target.id,
      revision: 2,
      thumb: 'down',
      score: 33,
      tags: ['wrong', 'needs-citation'],
      comment: 'Misses the firmware step.',
      correction: 'Update the firmware first, then reset the router.',
      response: target.response,
      createdAt: target.createdAt,
      deletedAt: null,
    });

    // Delete: a tombstone that sync carries; the row leaves the table.
    page.once('dialog', (dialog) => void dialog.accept());
    await reloaded.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator(`tr[data-row-id="${target.id}"]`).count()).toBe(0);
    const after = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${pull.checkpoint}`);
    expect(after.annotations.map((a) => [a.id, a.revision, a.deletedAt !== null])).toEqual([[target.id, 3, true]]);
    expect(problems).toEqual([]);
  });

  it('shows HTML and script in a response, context or comment as text, and never runs them', async () => {
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/annotations/${data.xss.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${data.xss.id}"]`);
    await detail.waitFor();
    const response = detail.locator('.bubble.response');
    await expect.poll(() => response.textContent()).toContain("<script>window.__pwned='script'</script>");
    expect(await response.textContent()).toContain('<img src=x onerror="window.__pwned=\'img\'">');
    expect(await detail.locator('.bubble[data-role="user"]').textContent()).toContain('<marquee>html</marquee>');
    expect(await detail.locator('.markdown img, .markdown script, .markdown iframe, .markdown marquee').count()).toBe(
      0,
    );
    expect(await detail.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await detail.getByLabel('Comment').inputValue()).toBe(XSS_COMMENT);
    const row = page.locator(`tr[data-row-id="${data.xss.id}"]`);
    await expect.poll(() => row.textContent()).toContain('<b onmouseover=');
    expect(await row.locator('b').count()).toBe(0);
    await row.hover();
    await response.hover();
    // The markdown still renders: code is highlighted, emphasis is emphasis.
    await page.goto(`${fx.companion.url}/#/annotations/${data.code.id}`);
    const code = page.locator(`.detail[data-annotation-id="${data.code.id}"] .bubble.response`);
    await code.locator('pre code .hljs-keyword', { hasText: 'def' }).waitFor();
    expect(await code.locator('strong', { hasText: 'wait' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  });
});
