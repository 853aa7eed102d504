import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

const chatgpt = () => {
  const scenario = scenarios.find((candidate) => candidate.site === 'chatgpt');
  if (!scenario) throw new Error('no chatgpt scenario');
  return scenario;
};

async function open(session: ChromiumSession) {
  const fixture = chatgpt().fixture('multi-turn');
  await serveFixturePage(session.context, fixture.expected.url, fixture.html);
  const page = await session.context.newPage();
  // A short viewport: the response scrolled to the top fills it, so "most visible" is unambiguous.
  await page.setViewportSize({ width: 1100, height: 420 });
  await page.goto(fixture.expected.url);
  const driver = await ControlsDriver.attach(session.context, page);
  await driver.waitForHosts(2);
  return { page, driver, fixture };
}

/** Index of the controls host that has the focus (-1: none). The page sees which host, never inside it. */
const focusedHost = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('margin-annotator')).indexOf(document.activeElement as Element),
  );

/** Puts the focus on the page itself (the person clicked some text of the page). */
async function clickPageText(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`nothing to click at ${selector}`);
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
}

async function storedBy(session: ChromiumSession, messageId: string) {
  return (await readStoredAnnotations(session.serviceWorker)).find((annotation) => annotation.messageId === messageId);
}

describe('keyboard shortcuts (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('each shortcut acts on the response most in view, or the one whose controls have the focus', async () => {
    session = await launchChromium();
    const { page, driver, fixture } = await open(session);
    const s = session;
    const [first, second] = fixture.expected.responses.flatMap((response) =>
      response.capture ? [response.capture] : [],
    );
    if (!first || !second) throw new Error('fixture needs two finished responses');
    await page.evaluate(() => document.querySelector('[data-testid="conversation-turn-4"]')?.scrollIntoView());
    const settled = (messageId: string, accept: (a: Awaited<ReturnType<typeof storedBy>>) => boolean, what: string) =>
      driver.waitFor(() => storedBy(s, messageId), accept, what);

    await page.keyboard.press('+');
    await settled(second.messageId, (a) => a?.thumb === 'up', 'thumbs up by +');
    await page.keyboard.press('-');
    await settled(second.messageId, (a) => a?.thumb === 'down' && a.revision === 2, 'thumbs down by -');
    await page.keyboard.press('4');
    await settled(second.messageId, (a) => a?.score === 75, 'score 75 by 4');
    expect(await storedBy(s, first.messageId)).toBeUndefined();

    // Previous / next response move the focus between the controls; keys then act on the focused one.
    await page.keyboard.press('k');
    await driver.waitFor(
      () => focusedHost(page),
      (index) => index === 0,
      'focus on the first response by k',
    );
    await page.keyboard.press('5');
    await settled(first.messageId, (a) => a?.score === 100, 'score 100 on the focused first response');
    await page.keyboard.press('1');
    await settled(first.messageId, (a) => a?.score === 0, 'score 0 by 1');
    await page.keyboard.press('j');
    await driver.waitFor(
      () => focusedHost(page),
      (index) => index === 1,
      'focus on the second response by j',
    );

    // Comment opens the comment panel with the focus in it; keys typed there are text, not shortcuts.
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
    const afterComment = await storedBy(s, second.messageId);
    expect(afterComment).toMatchObject({ thumb: 'down', score: 75, revision: 4 });

    // The better-response editor, from the page (focus on the page, this response most in view).
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
      () => driver.dialogNamed('Margin keyboard shortcuts'),
      (found) => found,
      'cheat sheet',
    );
    expect(await page.locator('margin-shortcuts').count()).toBe(1);
    await page.keyboard.press('Escape');
    await driver.waitFor(
      () => page.locator('margin-shortcuts').count(),
      (count) => count === 0,
      'cheat sheet closed',
    );
  });

  it('never fires while the person types in the composer or any field, nor with Ctrl/Alt/Cmd', async () => {
    session = await launchChromium();
    const { page, driver } = await open(session);
    await page.evaluate(() => document.querySelector('[data-testid="conversation-turn-4"]')?.scrollIntoView());
    const keys = '+-12345cwjkvabe?';

    await page.locator('#prompt-textarea').click();
    await page.keyboard.type(keys);
    expect(await page.locator('#prompt-textarea').textContent()).toBe(keys);

    // A plain input of the page too (a search box, say).
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'page-search';
      document.querySelector('main')?.prepend(input);
    });
    await page.locator('#page-search').click();
    await page.keyboard.type(keys);
    expect(await page.locator('#page-search').inputValue()).toBe(keys);

    // Modified keys belong to the browser and the site.
    await clickPageText(page, '[data-testid="conversation-turn-4"] .markdown p');
    for (const key of ['Control+4', 'Alt+4', 'Meta+4', 'Control+c']) await page.keyboard.press(key);

    await page.waitForTimeout(500);
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
    expect(await driver.statusText(1)).toBe('');
    expect(await driver.hostText(1)).not.toContain('Comment text');
    expect(await page.locator('margin-shortcuts').count()).toBe(0);
    expect(await focusedHost(page)).toBe(-1);
  });

  it('uses the keys set in the options, refusing a clash with a clear message', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    await options.getByLabel('Key for Thumbs up').fill('j');
    expect((await saveOptions(options)).tone).toBe('error');
    expect(await options.locator('[data-shortcuts-note]').textContent()).toContain(
      'Next response: "j" is already used by Thumbs up',
    );
    await options.getByLabel('Key for Thumbs up').fill('u');
    expect((await saveOptions(options)).tone).toBe('ok');
    expect(await options.locator('[data-shortcuts-note]').textContent()).toContain('Shortcuts saved');

    const { page } = await open(session);
    await page.evaluate(() => document.querySelector('[data-testid="conversation-turn-4"]')?.scrollIntoView());
    await page.keyboard.press('+');
    await page.waitForTimeout(400);
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
    await page.keyboard.press('u');
    const s = session;
    await expect.poll(async () => (await readStoredAnnotations(s.serviceWorker))[0]?.thumb).toBe('up');
  });

  it('the browser command opens the controls of the latest response', async () => {
    session = await launchChromium();
    const { page } = await open(session);
    await page.bringToFront();
    await page.evaluate(() => window.scrollTo(0, 0));
    const commands = await session.serviceWorker.evaluate(() => chrome.commands.getAll());
    expect(commands.find((command) => command.name === 'open-latest-controls')).toMatchObject({
      shortcut: 'Alt+Shift+M',
    });
    // Pressing a browser-level shortcut cannot be simulated in a page; the background's command
    // handler sends the content script exactly this message (page-actions.ts, unit-tested).
    const answer = await session.serviceWorker.evaluate(async () => {
      // Like the command's own `tab` argument: the active tab (without asking for the `tabs` permission).
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return chrome.tabs.sendMessage(tab?.id as number, {
        id: 1,
        type: 'openLatestControls',
        data: undefined,
        timestamp: Date.now(),
      });
    });
    expect(answer).toEqual({ res: { ok: true } });
    expect(await focusedHost(page)).toBe(1);
  });
});
