import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';
import { saveOptions } from './support/options-save.ts';
import { companionNote, textOf } from './support/sync-helpers.ts';

const status = (options: Page) => textOf(options.locator('[data-save-status]'));
const saveButton = (options: Page) => options.getByRole('button', { name: 'Save', exact: true });

/** Edits three sections the way a person does: the name, one rubric question, one key. */
async function editThreeSections(options: Page) {
  await options.getByLabel('Annotator name').fill('Ada');
  const rubric = options.getByRole('region', { name: 'Rubric' });
  await rubric.getByRole('button', { name: 'Add question' }).click();
  await rubric.getByLabel('Question 1 text').fill('Hallucination?');
  await options.getByLabel('Key for Thumbs up').fill('u');
}

async function expectThreeSectionsKept(session: ChromiumSession) {
  const reopened = await session.openExtensionPage('options.html');
  await expect.poll(() => reopened.getByLabel('Annotator name').inputValue()).toBe('Ada');
  expect(await reopened.getByLabel('Question 1 text').inputValue()).toBe('Hallucination?');
  expect(await reopened.getByLabel('Key for Thumbs up').inputValue()).toBe('u');
  // Nothing is left to save on a fresh page: the one Save is disabled and says so.
  expect(await status(reopened)).toBe('All changes saved');
  expect(await saveButton(reopened).isDisabled()).toBe(true);
  await reopened.close();
}

describe('the options page (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('puts pairing first, has one Save for every section, lists unsaved changes and asks before leaving', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    await options.getByLabel('Key for Thumbs up').waitFor();
    expect((await options.getByRole('heading', { level: 2 }).allTextContents())[0]).toBe('Companion');
    // One Save for the whole page: no section keeps a button of its own.
    expect(await options.getByRole('button', { name: /^(Save|Pair)/ }).allTextContents()).toEqual(['Save']);
    expect(await status(options)).toBe('All changes saved');
    expect(await saveButton(options).isDisabled()).toBe(true);

    await editThreeSections(options);
    await expect.poll(() => status(options)).toBe('Unsaved changes in Annotating, Rubric, Keyboard shortcuts.');
    expect(await saveButton(options).isEnabled()).toBe(true);
    // The Save bar stays in view at the top while the page scrolls.
    await options.getByRole('region', { name: 'Self-hosted chat apps' }).scrollIntoViewIfNeeded();
    expect(await saveButton(options).isVisible()).toBe(true);
    const bar = await options.locator('[data-save-bar]').boundingBox();
    expect(bar?.y).toBeGreaterThanOrEqual(0);
    expect(bar?.y).toBeLessThan(10);
    await extensionScreenshot(options, 'options-unsaved');

    // Leaving asks first.
    const asked = new Promise<string>((resolve) => {
      options.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      });
    });
    await options.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    expect(options.isClosed()).toBe(false);

    // Typing a change back to what is saved leaves nothing to save there.
    await options.getByLabel('Key for Thumbs up').fill('+');
    await expect.poll(() => status(options)).toBe('Unsaved changes in Annotating, Rubric.');
    await options.getByLabel('Key for Thumbs up').fill('u');

    // One Save keeps all three; a reload shows them.
    expect(await saveOptions(options)).toEqual({ tone: 'ok', text: 'All changes saved' });
    expect(await saveButton(options).isDisabled()).toBe(true);
    await expectThreeSectionsKept(session);

    // Discard puts the page back to what is saved.
    await options.getByLabel('Annotator name').fill('Someone else');
    await expect.poll(() => status(options)).toBe('Unsaved changes in Annotating.');
    await options.getByRole('button', { name: 'Discard changes' }).click();
    await expect.poll(() => options.getByLabel('Annotator name').inputValue()).toBe('Ada');
    await expect.poll(() => status(options)).toBe('All changes saved');

    // With nothing unsaved, the page closes without asking.
    let prompted = false;
    options.once('dialog', (dialog) => {
      prompted = true;
      void dialog.dismiss();
    });
    await options.close({ runBeforeUnload: true });
    await expect.poll(() => options.isClosed()).toBe(true);
    expect(prompted).toBe(false);
  });

  it('with a wrong token, Save keeps the other sections, says plainly the pairing failed, and shows nothing green', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    const pairing = options.getByRole('region', { name: 'Companion' });
    await pairing.getByLabel('Companion URL').fill(companion.url);
    await pairing.getByLabel('Pairing token').fill('not-the-token');
    await editThreeSections(options);

    const result = await saveOptions(options);
    expect(result).toEqual({
      tone: 'error',
      text: 'Not saved: Companion (the reason is shown there). Saved: Annotating, Rubric, Keyboard shortcuts.',
    });
    expect(await companionNote(options)).toMatch(
      /^Not paired\. Token rejected \(HTTP 401\).*Nothing of the pairing was saved\.$/,
    );
    // The pairing stays unsaved (and the Save enabled) so the person can fix the token and save again.
    expect(await status(options)).toBe(result.text);
    expect(await saveButton(options).isEnabled()).toBe(true);
    // No "ok" tone on the bar or the pairing.
    expect(await options.locator('[data-save-status]').getAttribute('data-tone')).toBe('error');
    expect(await options.locator('[data-companion-note]').getAttribute('data-tone')).toBe('error');
    // The sections that were saved say so in plain text: nothing anywhere on the page is green.
    const green = await options.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main *')]
        .filter((element) => element.textContent?.trim())
        .map((element) => getComputedStyle(element).color)
        .filter((color) => color === 'rgb(26, 127, 55)'),
    );
    expect(green).toEqual([]);
    await extensionScreenshot(options, 'options-pairing-failed-others-saved');

    await expectThreeSectionsKept(session);
    const popup = await session.openExtensionPage('popup.html');
    await expect.poll(() => textOf(popup.locator('[data-sync-headline]'))).toBe('Not paired with a companion');

    // The right token then pairs with the same Save.
    await pairing.getByLabel('Pairing token').fill(companion.token);
    expect(await saveOptions(options)).toEqual({ tone: 'ok', text: 'All changes saved' });
    expect(await companionNote(options)).toMatch(/^Paired with Margin companion .* Syncing now\.$/);
  });
});
