import { describe, expect, it } from 'vitest';
import { screenshot, useDashboard } from './support/dashboard-fixture.ts';

describe('dashboard inbox when nothing waits (Chromium, real companion)', () => {
  const fx = useDashboard();

  it('says how reviews get created, with a request that works and the guide', async () => {
    const { page, problems } = await fx.open();
    await page.getByRole('link', { name: 'Inbox' }).click();
    const empty = page.getByRole('region', { name: 'How reviews get here' });
    await empty.waitFor();
    expect(await empty.locator('h2').textContent()).toBe('No reviews yet');
    expect(await empty.textContent()).toContain('A review is a question a program asks a person');
    // The snippet names this companion, and its request really creates a review that shows up.
    const curl = (await empty.locator('[data-snippet="curl"]').textContent()) ?? '';
    expect(curl).toContain(`${fx.companion.url}/api/v1/reviews`);
    const body = /-d '([^']*)'\s*$/.exec(curl)?.[1] ?? '';
    const created = await fetch(`${fx.companion.url}/api/v1/reviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.companion.token}`, 'content-type': 'application/json' },
      body,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await empty.locator('[data-snippet="typescript"]').textContent()).toContain(
      `createMarginClient({ url: '${fx.companion.url}'`,
    );
    await screenshot(page, 'inbox-empty');
    await page.getByRole('link', { name: 'Is this answer right?' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('region', { name: 'How reviews get here' }).count()).toBe(0);

    // The guide opens inside the dashboard: docs/reviews.md as of this build.
    await page.goto(`${fx.companion.url}/#/docs/reviews`);
    const guide = page.locator('article.docs[data-guide="reviews"]');
    await guide.waitFor();
    expect(await guide.locator('h1').textContent()).toBe('Reviews: a pipeline waits for a person');
    expect(await guide.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Lifecycle', 'API']));
    // Links to files the dashboard does not have are words, not broken links.
    expect(await guide.locator('a[href$=".md"], a[href$=".py"]').count()).toBe(0);
    await screenshot(page, 'docs-reviews');
    expect(problems).toEqual([]);
  });
});
