import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FirefoxSession, focusTab, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { ExtensionStore, FirefoxControls } from './support/firefox-controls.ts';
import { saveOptionsFirefox } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

const fixture = () => {
  const found = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
  if (!found) throw new Error('missing fixture');
  return found;
};

/** A short window: the response scrolled to the top fills it, so "most in view" is unambiguous. */
async function open(session: FirefoxSession) {
  const page = await session.browser.newPage();
  const chat = fixture();
  await serveFixturePageFirefox(page, chat.expected.url, chat.html);
  await page.goto(chat.expected.url);
  const driver = new FirefoxControls(page, session.connection);
  await driver.waitForHosts(2);
  return { page, driver, chat };
}

const focusedHost = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('margin-annotator')).indexOf(document.activeElement as Element),
  );

/** Puts the focus on the page itself (the person clicked some text of the page). */
async function clickPageText(page: Page, selector: string) {
  const box = await (await page.$(selector))?.boundingBox();
  if (!box) throw new Error(`nothing to click at ${selector}`);
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
}

// Firefox's start alone took 30–50 s on two loaded cores: each test gets more than the default 90 s.
describe('keyboard shortcuts (Firefox)', { timeout: 180_000 }, () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('each shortcut acts on the response most in view, or the one whose controls have the focus', async () => {
    session = await launchFirefox({ window: { width: 1100, height: 480 } });
    const { page, driver, chat } = await open(session);
    const store = await ExtensionStore.open(session);
    await focusTab(page);
    const [first, second] = chat.expected.responses.flatMap((response) => (response.capture ? [response.capture] : []));
    if (!first || !second) throw new Error('fixture needs two finished responses');
    const storedBy = async (messageId: string) =>
      (await store.annotations()).find((annotation) => annotation.messageId === messageId);
    const settled = (messageId: string, accept: (a: Awaited<ReturnType<typeof storedBy>>) => boolean, what: string) =>
      driver.waitFor(() => storedBy(messageId), accept, what);
    await page.evaluate(() => document.querySelector('[data-testid="conversation-turn-4"]')?.scrollIntoView());

    await page.keyboard.press('+');
    await settled(second.messageId, (a) => a?.thumb === 'up', 'thumbs up by +');
    await page.keyboard.press('-');
    await settled(second.messageId, (a) => a?.thumb === 'down' && a.revision === 2, 'thumbs down by -');
    await page.keyboard.press('4');
    await settled(second.messageId, (a) => a?.score === 75, 'score 75 by 4');
    expect(await storedBy(first.messageId)).toBeUndefined();

    await page.keyboard.press('k');
    await driver.waitFor(
      () => focusedHost(page),
      (index) => index === 0,
      'focus on the first response by k',
    );
    await page.keyboard.press('5');
    await settled(first.messageId, (a) => a?.score === 100, 'score 100 on the focused first response');
    await page.keyboard.press('j');
    await driver.waitFor(
      () => focusedHost(page),
      (index) => index === 1,
      'focus on the second response by j',
    );

    // Comment opens its panel with the focus in it; keys typed there are text, not shortcuts.
    await page.keyboard.press('c');
    await driver.waitFor(
      () => driver.fieldValue(1, 'textbox', 'Comment text'),
      (value) => value === '',
      'comment box',
    );
    await page.keyboard.type('ok +-12345 jk c w ?');
    expect(await driver.fieldValue(1, 'textbox', 'Comment text')).toBe('ok +-12345 jk c w ?');
    await driver.click(1, 'button', 'Save comment');
    await settled(second.messageId, (a) => a?.comment === 'ok +-12345 jk c w ?', 'comment saved');
    expect(await storedBy(second.messageId)).toMatchObject({ thumb: 'down', score: 75, revision: 4 });

    await clickPageText(page, '[data-testid="conversation-turn-4"] .markdown p');
    await page.keyboard.press('w');
    await driver.waitFor(
      () => driver.fieldValue(1, 'textbox', 'Better response text'),
      (value) => value === second.response,
      'the editor opened with the response',
    );
    await page.keyboard.type(' Also: salt.');
    await driver.click(1, 'button', 'Save better response');
    await settled(second.messageId, (a) => a?.correction === `${second.response} Also: salt.`, 'correction saved');

    // ? shows the cheat sheet (its own closed root, a dialog); Escape closes it.
    await clickPageText(page, '[data-testid="conversation-turn-4"] .markdown p');
    await page.keyboard.press('?');
    await driver.waitFor(
      () => driver.dialogIn('margin-shortcuts', 'Margin keyboard shortcuts'),
      (found) => found,
      'cheat sheet',
    );
    await page.keyboard.press('Escape');
    await driver.waitFor(
      () => page.evaluate(() => document.querySelectorAll('margin-shortcuts').length),
      (count) => count === 0,
      'cheat sheet closed',
    );
  });

  it('never fires while the person types in the composer, nor with Ctrl/Alt', async () => {
    session = await launchFirefox({ window: { width: 1100, height: 480 } });
    const { page, driver } = await open(session);
    const keys = '+-12345cwjkvabe?';
    await page.click('#prompt-textarea');
    await page.keyboard.type(keys);
    expect(await page.evaluate(() => document.querySelector('#prompt-textarea')?.textContent)).toBe(keys);
    await clickPageText(page, '[data-testid="conversation-turn-4"] .markdown p');
    for (const modifier of ['Control', 'Alt'] as const) {
      await page.keyboard.down(modifier);
      await page.keyboard.press('4');
      await page.keyboard.up(modifier);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const store = await ExtensionStore.open(session);
    expect(await store.annotations()).toEqual([]);
    expect(await driver.hostText(1)).not.toContain('Comment text');
  });

  // The options page and a chat page in one Firefox on two shared cores: 67 s seen, more than the default 90 s at times.
  it('uses the keys set in the options, refusing a clash with a clear message, and registers the browser command', {
    timeout: 180_000,
  }, async () => {
    session = await launchFirefox({ window: { width: 1100, height: 480 } });
    const options = await session.openExtensionPage('options.html');
    const note = () => options.evaluate(() => document.querySelector('[data-shortcuts-note]')?.textContent ?? '');
    const driverFor = new FirefoxControls(options, session.connection);
    const setThumbsUpKey = async (key: string) => {
      // The options page renders after it has read the stored settings: wait for the field.
      const field = await options.waitForSelector('aria/Key for Thumbs up', { timeout: 30_000 });
      if (!field) throw new Error('no "Key for Thumbs up" field');
      await field.click({ count: 3 });
      await options.keyboard.type(key);
      await saveOptionsFirefox(options);
    };
    await setThumbsUpKey('j');
    await driverFor.waitFor(
      note,
      (text) => text.includes('Next response: "j" is already used by Thumbs up'),
      'the clash refused',
    );
    await setThumbsUpKey('u');
    await driverFor.waitFor(note, (text) => text.includes('Shortcuts saved'), 'shortcuts saved');
    const commands = await options.evaluate(() =>
      (
        globalThis as unknown as {
          browser: { commands: { getAll(): Promise<{ name?: string; shortcut?: string }[]> } };
        }
      ).browser.commands.getAll(),
    );
    expect(commands.find((command) => command.name === 'open-latest-controls')).toMatchObject({
      shortcut: 'Alt+Shift+M',
    });

    const { page, driver } = await open(session);
    const store = await ExtensionStore.open(session);
    await focusTab(page);
    await page.evaluate(() => document.querySelector('[data-testid="conversation-turn-4"]')?.scrollIntoView());
    await page.keyboard.press('+');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.annotations()).toEqual([]);
    await page.keyboard.press('u');
    await driver.waitFor(
      async () => (await store.annotations())[0]?.thumb,
      (thumb) => thumb === 'up',
      'thumbs up by the custom key',
    );
  });
});
