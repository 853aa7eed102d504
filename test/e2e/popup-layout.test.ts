import { afterEach, describe, expect, it } from 'vitest';
import { createMarginClient } from '../../companion/src/client/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';
import { pairThroughOptions, textOf, waitUntil } from './support/sync-helpers.ts';

describe('the popup layout (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('leads with status, lists a few pending reviews with rendered markdown, and stays under 600 px', async () => {
    companion = await startCompanion();
    const pipeline = createMarginClient({ url: companion.url, token: companion.token });
    for (let index = 1; index <= 7; index += 1) {
      await pipeline.createReview({
        title: `Check summary ${index}`,
        description: `The model wrote this. **Fix** the _dates_ if needed.\n\n- point one\n- point two`,
        messages: [{ role: 'user', content: 'Summarize `the report`, in **two** lines.' }],
        output: 'A long summary. '.repeat(40),
      });
    }
    session = await launchChromium();
    await pairThroughOptions(session, companion, 5);
    const popup = await session.openExtensionPage('popup.html');
    // Taller than the limit, so the measure is the popup's content, not the window.
    await popup.setViewportSize({ width: 360, height: 1000 });
    const reviews = popup.getByRole('region', { name: /Reviews/ });
    await waitUntil(
      () => textOf(reviews.locator('[data-reviews-pending]')),
      (text) => text === '7',
      'seven pending reviews',
    );

    // Status first: the sync headline and where it is paired, before the work and the reviews.
    const headings = await popup.locator('h2').allTextContents();
    expect(headings.indexOf('Sync')).toBe(0);
    expect(await textOf(popup.locator('[data-paired-url]'))).toBe(`at ${companion.url}`);
    // A short list; the rest are counted, not listed.
    expect(await reviews.locator('li').count()).toBe(4);
    // Who decides (the annotator name) and how long each review has waited.
    expect(await textOf(reviews.locator('[data-reviewer]'))).toMatch(/you decide as \S+/);
    expect(await textOf(reviews.locator('li').first())).toMatch(/Check summary 1 asked (just now|\d+ min ago)/);
    expect(await textOf(reviews.locator('[data-reviews-more]'))).toBe("3 more in the dashboard's inbox.");
    // No rows of per-site zeros.
    expect(await popup.locator('table').count()).toBe(0);
    await extensionScreenshot(popup, 'popup');
    const height = await popup.evaluate(() => document.querySelector('main')?.getBoundingClientRect().bottom ?? 0);
    expect(height).toBeGreaterThan(300);
    expect(height).toBeLessThan(600);

    // An open review renders its markdown (emphasis, lists, code), never raw asterisks.
    await reviews.getByRole('button', { name: 'Check summary 1' }).click();
    const form = reviews.getByRole('form', { name: 'Review: Check summary 1' });
    await form.waitFor();
    expect(await form.locator('.markdown strong').first().textContent()).toBe('Fix');
    expect(await form.locator('.markdown li').count()).toBe(2);
    expect(await form.locator('.markdown code').first().textContent()).toBe('the report');
    expect(await form.getByText('**Fix**').count()).toBe(0);
    await extensionScreenshot(popup, 'popup-review');
  });
});
