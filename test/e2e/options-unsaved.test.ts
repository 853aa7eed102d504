import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';

describe('the options page (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('puts pairing first, lists unsaved changes, and asks before leaving with them', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    await options.getByRole('heading', { level: 2 }).first().waitFor();
    expect((await options.getByRole('heading', { level: 2 }).allTextContents())[0]).toBe('Companion');
    const notice = options.locator('[data-unsaved]');
    expect(await notice.count()).toBe(0);

    await options.getByLabel('Annotator name').fill('Ada');
    await options.getByLabel('Key for Thumbs up').fill('j');
    await expect
      .poll(() => notice.textContent())
      .toBe('Unsaved changes in Annotating, Keyboard shortcuts. Save them before you leave this page.');
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

    // Saved sections leave the list; with nothing left, the page closes without asking.
    await options
      .getByRole('region', { name: 'Annotating' })
      .getByRole('button', { name: 'Save', exact: true })
      .click();
    await expect
      .poll(() => notice.textContent())
      .toBe('Unsaved changes in Keyboard shortcuts. Save them before you leave this page.');
    await options.getByLabel('Key for Thumbs up').fill('u');
    await options.getByRole('button', { name: 'Save shortcuts' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    let prompted = false;
    options.once('dialog', (dialog) => {
      prompted = true;
      void dialog.dismiss();
    });
    await options.close({ runBeforeUnload: true });
    await expect.poll(() => options.isClosed()).toBe(true);
    expect(prompted).toBe(false);
  });
});
