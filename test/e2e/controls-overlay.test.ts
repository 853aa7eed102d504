import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver } from './support/annotate-driver.ts';
import { ARTIFACTS } from './support/dashboard-fixture.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

type Rect = { left: number; right: number; top: number; bottom: number; width: number; height: number };
const RECT = `function () { const r = this.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height }; }`;

/** The panels of one response's controls: the button that opens each, and its dialog's name. */
const PANELS = [
  { opener: 'Score', dialog: 'Score', file: 'score' },
  { opener: 'Comment', dialog: 'Comment', file: 'comment' },
  { opener: 'Tags', dialog: 'Tags', file: 'tags' },
  { opener: 'Write a better response', dialog: 'Better response', file: 'correction' },
  { opener: 'Compare variants', dialog: 'Compare variants', file: 'compare' },
] as const;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `controls-${name}.png`) });
}

/** The site's own action row (our host sits right after it), in viewport coordinates. */
function siteRow(page: Page, host: number): Promise<Rect> {
  return page.evaluate((index) => {
    const row = document.querySelectorAll('margin-annotator')[index]?.previousElementSibling;
    if (!row) throw new Error('no action row before the controls');
    const r = row.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  }, host);
}

/** Opens a panel like a person: from the bar, or from the compact bar's "more" menu. */
async function openPanel(driver: ControlsDriver, host: number, opener: string): Promise<void> {
  try {
    await driver.click(host, 'button', opener);
  } catch {
    await driver.click(host, 'button', 'More Margin actions');
    await driver.click(host, 'menuitem', opener);
  }
}

async function openChat(session: ChromiumSession, fixtureName: string, width: number) {
  const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture(fixtureName);
  if (!fixture) throw new Error(`missing fixture ${fixtureName}`);
  await serveFixturePage(session.context, fixture.expected.url, fixture.html);
  const page = await session.context.newPage();
  await page.setViewportSize({ width, height: 720 });
  await page.goto(fixture.expected.url);
  const driver = await ControlsDriver.attach(session.context, page);
  return { page, driver };
}

describe('the controls on the chat page (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  for (const width of [1280, 760, 420]) {
    it(`opens every panel as an overlay inside the viewport at ${width} px, never moving the site's row; Esc and Cancel close it`, async () => {
      session = await launchChromium();
      const { page, driver } = await openChat(session, 'variants-project', width);
      await driver.waitForHosts(1);
      // A variant of the prompt seen earlier, so the compare panel has something to show.
      await driver.click(0, 'button', 'Thumbs up');
      await driver.waitForStatus(0, /^Saved$/);

      // Margin's own row: its mark, inline SVG thumbs, no emoji glyph anywhere, and one line.
      expect(await driver.callOn(0, 'button', 'Thumbs up', 'function () { return !!this.querySelector("svg"); }')).toBe(
        true,
      );
      expect(await driver.hostText(0)).not.toMatch(/\p{Extended_Pictographic}/u);
      expect(await driver.hostText(0)).toContain(width > 500 ? 'Margin' : '');
      const thumb = (await driver.callOn(0, 'button', 'Thumbs up', RECT)) as Rect;
      const bar = (await driver.callOn(
        0,
        'button',
        'Thumbs up',
        'function () { const r = this.parentElement.getBoundingClientRect(); return { height: r.height, right: r.right }; }',
      )) as { height: number; right: number };
      expect(bar.height).toBeLessThan(thumb.height * 1.6);
      expect(bar.right).toBeLessThanOrEqual(width);
      await shot(page, `bar-${width}`);

      for (const panel of PANELS) {
        const before = await siteRow(page, 0);
        await openPanel(driver, 0, panel.opener);
        const box = (await driver.waitFor(
          () => driver.callOn(0, 'dialog', panel.dialog, RECT) as Promise<Rect>,
          (rect) => rect.width > 0,
          `the ${panel.dialog} panel`,
        )) as Rect;
        const viewport = await page.evaluate(() => ({
          width: document.documentElement.clientWidth,
          height: window.innerHeight,
        }));
        expect(box.left, `${panel.dialog} left`).toBeGreaterThanOrEqual(0);
        expect(box.top, `${panel.dialog} top`).toBeGreaterThanOrEqual(0);
        expect(box.right, `${panel.dialog} right`).toBeLessThanOrEqual(viewport.width);
        expect(box.bottom, `${panel.dialog} bottom`).toBeLessThanOrEqual(viewport.height);
        expect(await siteRow(page, 0), `${panel.dialog}: the site's row moved`).toEqual(before);
        await shot(page, `panel-${panel.file}-${width}`);

        // Esc closes it and the focus goes back to the button that opened it.
        await page.keyboard.press('Escape');
        await driver.waitFor(
          () => driver.dialogNamed(panel.dialog),
          (open) => !open,
          `${panel.dialog} closed by Esc`,
        );
        const opener = width > 500 ? panel.opener : panel.opener === 'Comment' ? 'Comment' : 'More Margin actions';
        expect(
          await driver.callOn(0, 'button', opener, 'function () { return this.getRootNode().activeElement === this; }'),
        ).toBe(true);
      }

      // Cancel closes too.
      await openPanel(driver, 0, 'Tags');
      await driver.click(0, 'button', 'Cancel');
      await driver.waitFor(
        () => driver.dialogNamed('Tags'),
        (open) => !open,
        'Tags closed by Cancel',
      );
    });
  }

  it('keeps one panel open on the page, follows the page theme live, and shows the controls only on hover when asked', async () => {
    session = await launchChromium();
    const { page, driver } = await openChat(session, 'multi-turn', 1280);
    await driver.waitForHosts(2);

    await driver.click(0, 'button', 'Comment');
    expect(await driver.dialogNamed('Comment')).toBe(true);
    await driver.click(1, 'button', 'Tags');
    await driver.waitFor(
      () => driver.dialogNamed('Comment'),
      (open) => !open,
      'the first panel closed by the second',
    );
    expect(await driver.dialogNamed('Tags')).toBe(true);
    await page.keyboard.press('Escape');

    // Light, then the site switches to dark: the controls follow without a reload.
    await shot(page, 'light');
    expect(await driver.shadowAttribute(0, '.root', 'data-theme')).toBe('light');
    await page.evaluate(() => {
      document.documentElement.classList.add('dark');
      document.documentElement.style.colorScheme = 'dark';
      document.body.style.background = '#212121';
      document.body.style.color = '#ececec';
    });
    await driver.waitFor(
      () => driver.shadowAttribute(0, '.root', 'data-theme'),
      (theme) => theme === 'dark',
      'the controls in dark',
    );
    await driver.click(1, 'button', 'Comment');
    await shot(page, 'dark-live-switch');
    await page.keyboard.press('Escape');

    // "Only on hover or focus", set in the options, applies to the open page at once.
    const options = await session.openExtensionPage('options.html');
    const annotating = options.getByRole('region', { name: 'Annotating' });
    await annotating.getByLabel("Show Margin's controls only on hover or focus").check();
    expect((await saveOptions(options)).tone).toBe('ok');
    const opacity = 'function () { return getComputedStyle(this).opacity; }';
    await page.mouse.move(1, 1);
    await driver.waitFor(
      () => driver.callOn(0, 'button', 'Thumbs up', opacity),
      (value) => value === '0',
      'the thumbs hidden until hover',
    );
    const center = await driver.center(0, 'button', 'Thumbs up');
    await page.mouse.move(center.x, center.y);
    expect(await driver.callOn(0, 'button', 'Thumbs up', opacity)).toBe('1');
    await shot(page, 'hover-only');
    await annotating.getByLabel("Show Margin's controls only on hover or focus").uncheck();
    expect((await saveOptions(options)).tone).toBe('ok');
    await page.mouse.move(1, 1);
    await driver.waitFor(
      () => driver.callOn(0, 'button', 'Thumbs up', opacity),
      (value) => value === '1',
      'the thumbs shown again',
    );
  });
});
