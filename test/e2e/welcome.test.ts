import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SHORTCUTS, SHORTCUT_ACTIONS } from '../../shared/shortcuts.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';
import { textOf, waitUntil } from './support/sync-helpers.ts';

describe('the welcome page (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('opens on install, asks who annotates, and the popup then shows that name', async () => {
    session = await launchChromium(undefined, { keepWelcome: true });
    const context = session.context;
    const opened = await waitUntil(
      async () => context.pages().find((page) => page.url().endsWith('/welcome.html')),
      (page) => page !== undefined,
      'the welcome tab opened on install',
      20_000,
    );
    if (!opened) throw new Error('no welcome tab');
    const welcome: Page = opened;
    await welcome.getByRole('heading', { name: 'Welcome to Margin' }).waitFor();
    // How to pair, or work without a companion; and somewhere to try it.
    expect(await welcome.getByRole('heading', { name: /Pair with the companion/ }).count()).toBe(1);
    expect(await welcome.getByText(/Working without a companion is fine/).count()).toBe(1);
    expect(await welcome.getByRole('link', { name: 'ChatGPT' }).getAttribute('href')).toBe('https://chatgpt.com/');
    // Every shortcut, with the key the shortcuts module defines.
    for (const action of SHORTCUT_ACTIONS) {
      expect(await textOf(welcome.locator(`[data-shortcut="${action}"] kbd`))).toBe(DEFAULT_SHORTCUTS[action]);
    }

    // Before a name is given, the popup says who annotates today ("me") and where to change it.
    const before = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(before.locator('[data-annotator]')),
      (text) => text.startsWith('Annotating as me'),
      'the default annotator in the popup',
    );
    await before.close();

    await welcome.getByLabel('Your name').fill('   ');
    await welcome.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => textOf(welcome.getByRole('status'))).toMatch(/type at least one character/);
    await welcome.getByLabel('Your name').fill('grace');
    await welcome.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => textOf(welcome.getByRole('status'))).toBe('Saved: your annotations are signed "grace".');
    await extensionScreenshot(welcome, 'welcome');

    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-annotator]')),
      (text) => text === 'Annotating as grace',
      'the name in the popup',
    );
    const options = await session.openExtensionPage('options.html');
    await expect.poll(() => options.getByLabel('Annotator name').inputValue()).toBe('grace');
  });
});
