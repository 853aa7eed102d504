import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { LONG_CHAT_URL, longChatPage } from '../support/long-chat-page.ts';
import { ControlsDriver } from './support/annotate-driver.ts';

const FINISHED = 300;

/** Where each controls host is: the number of its turn (`conversation-turn-N`) and its box against the viewport. */
const hosts = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('margin-annotator'), (host) => {
      const turn = host.closest('[data-testid^="conversation-turn-"]');
      const box = (turn ?? host).getBoundingClientRect();
      return {
        turn: Number(turn?.getAttribute('data-testid')?.replace('conversation-turn-', '') ?? -1),
        top: box.top,
        bottom: box.bottom,
        height: window.innerHeight,
      };
    }),
  );

/** Every host lies within two viewport heights of the viewport (the observer's margin is one). */
function allNearViewport(found: Awaited<ReturnType<typeof hosts>>): boolean {
  return found.every((host) => host.bottom > -2 * host.height && host.top < 3 * host.height);
}

/** The turn number holding the focused controls (-1: none). */
const focusedTurn = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (active?.localName !== 'margin-annotator') return -1;
    const turn = active.closest('[data-testid^="conversation-turn-"]');
    return Number(turn?.getAttribute('data-testid')?.replace('conversation-turn-', '') ?? -1);
  });

describe('work proportional to what is on screen (Chromium, 300 finished responses)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('mounts only the responses near the viewport, the rest as they scroll in, and nothing while a response streams', async () => {
    session = await launchChromium();
    await serveFixturePage(session.context, LONG_CHAT_URL, longChatPage(FINISHED));
    const page = await session.context.newPage();
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.goto(LONG_CHAT_URL);
    const driver = await ControlsDriver.attach(session.context, page);

    // After load: the first responses (at the top) have controls, rendered in a shadow root; no other does.
    await driver.waitFor(
      () => hosts(page),
      (found) => found.length > 0,
      'controls on the responses on screen',
    );
    await page.waitForTimeout(1_500);
    const atLoad = await hosts(page);
    expect(atLoad.length).toBeGreaterThan(0);
    expect(atLoad.length).toBeLessThan(20);
    expect(allNearViewport(atLoad)).toBe(true);
    expect(atLoad[0]?.turn).toBe(2);
    expect(await driver.hostText(0)).toMatch(/\S/);

    // Scrolling to the bottom mounts the responses there, and only those.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await driver.waitFor(
      () => hosts(page),
      (found) => found.some((host) => host.turn === FINISHED * 2),
      'controls on the last finished response after scrolling to it',
    );
    await page.waitForTimeout(1_000);
    const afterScroll = await hosts(page);
    expect(afterScroll.length).toBeLessThan(40);
    expect(afterScroll.filter((host) => host.turn > FINISHED).every((host) => allNearViewport([host]))).toBe(true);
    expect(await driver.hostText(afterScroll.length - 1)).toMatch(/\S/);

    // 300 streaming mutations in view: no host is created anywhere until the site's finished signal.
    await page.evaluate(() => {
      const state = { added: 0 };
      (window as unknown as { __hostsAdded: typeof state }).__hostsAdded = state;
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of Array.from(record.addedNodes)) if (node.nodeName === 'MARGIN-ANNOTATOR') state.added += 1;
        }
      }).observe(document.documentElement, { childList: true, subtree: true });
    });
    await page.evaluate('window.streamAnswer(300)');
    await page.waitForTimeout(500);
    expect(await page.evaluate('window.__hostsAdded.added')).toBe(0);
    const streamingTurn = FINISHED * 2 + 2;
    expect((await hosts(page)).some((host) => host.turn === streamingTurn)).toBe(false);

    await page.evaluate('window.finishAnswer()');
    await driver.waitFor(
      () => hosts(page),
      (found) => found.some((host) => host.turn === streamingTurn),
      'controls on the response once it finished',
    );
    expect(await page.evaluate('window.__hostsAdded.added')).toBe(1);
  });

  it('a shortcut reaches a response far from the viewport: it scrolls it in and mounts it', async () => {
    session = await launchChromium();
    await serveFixturePage(session.context, LONG_CHAT_URL, longChatPage(FINISHED));
    const page = await session.context.newPage();
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.goto(LONG_CHAT_URL);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitFor(
      () => hosts(page),
      (found) => found.length > 0,
      'controls on the responses on screen',
    );
    await page.bringToFront();
    // The answer streams and finishes while far below: it gets no controls until something reaches it.
    await page.evaluate('window.streamAnswer(20)');
    await page.evaluate('window.finishAnswer()');
    await page.waitForTimeout(500);
    const last = FINISHED * 2 + 2;
    expect((await hosts(page)).some((host) => host.turn === last)).toBe(false);

    // The browser command "open the latest response's controls" (the message its handler sends).
    const answer = await session.serviceWorker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return chrome.tabs.sendMessage(tab?.id as number, {
        id: 1,
        type: 'openLatestControls',
        data: undefined,
        timestamp: Date.now(),
      });
    });
    expect(answer).toEqual({ res: { ok: true } });
    expect(await focusedTurn(page)).toBe(last);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1_000);

    // Previous, then next, move between neighbours; from the top, next walks the thread in order.
    await page.keyboard.press('k');
    await driver.waitFor(
      () => focusedTurn(page),
      (turn) => turn === last - 2,
      'focus on the previous response by k',
    );
    await page.keyboard.press('j');
    await driver.waitFor(
      () => focusedTurn(page),
      (turn) => turn === last,
      'focus back on the last response by j',
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    // The person clicks the page's text: the focus leaves our controls, the keys act on what is in view.
    await page.locator('.user-message-bubble-color').first().click();
    await page.keyboard.press('j');
    const first = await driver.waitFor(
      () => focusedTurn(page),
      (turn) => turn > 0 && turn <= 8,
      'focus on a response at the top by j',
    );
    for (let step = 1; step <= 8; step++) {
      await page.keyboard.press('j');
      await driver.waitFor(
        () => focusedTurn(page),
        (turn) => turn === first + 2 * step,
        `focus on response ${first + 2 * step} by j`,
      );
    }
  });
});
