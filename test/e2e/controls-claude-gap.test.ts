import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver } from './support/annotate-driver.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';
import { scenarios } from './support/site-scenarios.ts';

/**
 * Claude's layout at its tightest: Tailwind's reset (no default margins) and its own CSS for the classes the fixture carries (the visually
 * hidden "You said" headings, no padding under an answer, no margin above the next message) and
 * every message row its own formatting context, as Claude's virtualised feed makes them. An answer
 * is then directly followed by the next user message, with nothing of the page's between them.
 */
const TIGHT_CLAUDE = `<style>
  *, ::before, ::after { box-sizing: border-box; border: 0 solid; }
  h1, h2, h3, p, pre, blockquote, ol, ul { margin: 0; padding: 0; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  [data-rocksteady-sizer] { display: flex; flex-direction: column; }
  [data-rs-index] { display: flow-root; margin: 0; padding: 0; }
  .pb-3, .mt-6, .mb-1 { padding: 0; margin: 0; }
  [data-message-action-bar] [role="toolbar"] { display: flex; gap: 4px; }
  [data-message-action-bar] button { height: 28px; min-width: 28px; }
</style>`;

type Box = { top: number; bottom: number };
const BOTTOM = 'function () { return this.getBoundingClientRect().bottom; }';

/** Each answer's controls and the top of the user message that follows it (none after the last answer). */
function barsAndNextMessages(page: Page): Promise<{ bar: Box; next: Box | null }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('margin-annotator')].map((host) => {
      const row = host.closest('[data-rs-index]');
      const nextRow = row?.nextElementSibling;
      const message = nextRow?.querySelector('[data-user-message-bubble]') ?? null;
      const box = (element: Element) => {
        const rect = element.getBoundingClientRect();
        return { top: rect.top, bottom: rect.bottom };
      };
      return { bar: box(host), next: message ? box(message) : null };
    }),
  );
}

describe('the controls on Claude, right before the next user message (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('keeps a visible gap of at least 8 px between the bar and the next message, never overlapping it', async () => {
    session = await launchChromium();
    const fixture = scenarios.find((scenario) => scenario.site === 'claude')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture claude/multi-turn');
    await serveFixturePage(
      session.context,
      fixture.expected.url,
      fixture.html.replace('</head>', `${TIGHT_CLAUDE}</head>`),
    );
    for (const width of [1280, 760]) {
      const page = await session.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(fixture.expected.url);
      const driver = await ControlsDriver.attach(session.context, page);
      await driver.waitForHosts(2);
      // The page's own layout puts the next message right under the answer's action row: the case that touched.
      const pairs = await barsAndNextMessages(page);
      const followed = pairs.filter((pair) => pair.next !== null);
      expect(followed).toHaveLength(1);
      for (const { bar, next } of followed) {
        expect(bar.bottom - bar.top).toBeGreaterThan(20);
        expect((next as Box).top - bar.bottom).toBeGreaterThanOrEqual(0);
      }
      // What a person sees of the bar is its row of buttons: their bottom stays clear of the next message.
      const [first] = pairs;
      if (!first?.next) throw new Error('the first answer is not followed by a user message');
      const thumbs = (await driver.callOn(0, 'button', 'Thumbs up', BOTTOM)) as number;
      // At least 8 px (before the fix it was 4: the bar read as touching the message).
      expect(first.next.top - thumbs).toBeGreaterThanOrEqual(8);
      // With a panel open the gap stays (panels are overlays, out of the page flow).
      await driver.click(0, 'button', 'Comment');
      const open = await barsAndNextMessages(page);
      const [opened] = open;
      if (!opened?.next) throw new Error('the first answer is not followed by a user message');
      expect(opened.next.top - opened.bar.bottom).toBe(first.next.top - first.bar.bottom);
      await page.keyboard.press('Escape');
      await extensionScreenshot(page, `controls-claude-next-message-${width}`);
      await page.close();
    }
  });
});
