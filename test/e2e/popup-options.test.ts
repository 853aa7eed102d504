import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

function scenario(site: string) {
  const found = scenarios.find((candidate) => candidate.site === site);
  if (!found) throw new Error(`no scenario for ${site}`);
  return found;
}

describe('popup and options (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('applies the options to new annotations and counts them in the popup', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    await options.getByLabel('Annotator name').fill('grace');
    await options.getByLabel(/Default tags/).fill('review, batch-7');
    await options.getByRole('checkbox', { name: 'Gemini' }).uncheck();
    expect(await saveOptions(options)).toEqual({ tone: 'ok', text: 'All changes saved' });

    const chatgpt = scenario('chatgpt').fixture('multi-turn');
    await serveFixturePage(session.context, chatgpt.expected.url, chatgpt.html);
    const page = await session.context.newPage();
    await page.goto(chatgpt.expected.url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(2);
    await driver.click(0, 'button', 'Thumbs up');
    await driver.waitForStatus(0, /^Saved$/);
    await driver.click(1, 'button', 'Thumbs down');
    await driver.waitForStatus(1, /^Saved$/);
    const stored = await readStoredAnnotations(session.serviceWorker);
    expect(stored.map((annotation) => [annotation.annotator, annotation.tags])).toEqual([
      ['grace', ['review', 'batch-7']],
      ['grace', ['review', 'batch-7']],
    ]);

    // Gemini is turned off: its page gets no controls.
    const gemini = scenario('gemini').fixture('multi-turn');
    await serveFixturePage(session.context, gemini.expected.url, gemini.html);
    const geminiPage = await session.context.newPage();
    await geminiPage.goto(gemini.expected.url);
    await geminiPage.waitForTimeout(1_500);
    expect(await geminiPage.locator('margin-annotator').count()).toBe(0);

    const popup = await session.openExtensionPage('popup.html');
    await expect.poll(() => popup.locator('[data-count="total"]').textContent()).toBe('2');
    expect(await popup.locator('[data-count="today"]').textContent()).toBe('2');
    // Sites with annotations only: no rows of zeros.
    expect(await popup.locator('[data-sites]').textContent()).toBe(' (ChatGPT 2)');
    expect(await popup.locator('[data-site]').count()).toBe(0);
    expect(await popup.locator('table').count()).toBe(0);
    // Not paired: no link to a companion that may not exist (never a guessed default port).
    expect(await popup.getByRole('link', { name: /Open (the companion|dashboard)/ }).count()).toBe(0);

    // Options read back what was saved.
    const reopened = await session.openExtensionPage('options.html');
    await expect.poll(() => reopened.getByLabel('Annotator name').inputValue()).toBe('grace');
    expect(await reopened.getByRole('checkbox', { name: 'Gemini' }).isChecked()).toBe(false);
    expect(await reopened.getByRole('checkbox', { name: 'Claude' }).isChecked()).toBe(true);
  });

  it('refuses an empty annotator name and says why', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    await options.getByLabel('Annotator name').fill('   ');
    const result = await saveOptions(options);
    expect(result).toEqual({ tone: 'error', text: 'Not saved: Annotating (the reason is shown there).' });
    expect(await options.locator('[data-annotating-note]').textContent()).toMatch(/Annotator name: must not be empty/);
  });
});
