import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FirefoxSession, focusTab, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { FirefoxControls } from './support/firefox-controls.ts';
import { scenarios } from './support/site-scenarios.ts';

/** A picture of controls host #n: the page cannot read a closed shadow root, and neither can BiDi. */
async function shotOfHost(page: Page, index: number): Promise<Buffer> {
  const hosts = await page.$$('margin-annotator');
  const host = hosts[index];
  if (!host) throw new Error(`no controls host #${index}`);
  return Buffer.from(await host.screenshot({ type: 'png' }));
}

describe('annotating in Firefox', () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  // Firefox's start alone took 30–50 s on two loaded cores: more than the default 90 s at times.
  it('shows controls on finished responses, stores an annotation from the keyboard and shows it after reload', {
    timeout: 180_000,
  }, async () => {
    session = await launchFirefox({ window: { width: 1000, height: 2400 } });
    const fixture = scenarios.find((candidate) => candidate.site === 'chatgpt')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture');
    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, fixture.expected.url, fixture.html);
    await page.goto(fixture.expected.url);
    const hostCount = () => page.evaluate(() => document.querySelectorAll('margin-annotator').length);
    await page.waitForFunction(() => document.querySelectorAll('margin-annotator').length === 2, { timeout: 60_000 });
    expect(
      await page.evaluate(() =>
        Array.from(document.querySelectorAll('margin-annotator')).map((host) => host.shadowRoot),
      ),
    ).toEqual([null, null]);
    // Let fonts and layout settle, then picture both sets before anything is saved.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = [await shotOfHost(page, 0), await shotOfHost(page, 1)];

    // Like a keyboard user: from the site's last action button, Tab moves into our controls.
    await focusTab(page);
    await page.focus('[data-testid="conversation-turn-2"] [aria-label="More actions"]');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // Reload only once the annotation is stored: a reload before that would lose it (not what this tests).
    await new FirefoxControls(page, session.connection).waitForStatus(0, /^Saved$/);

    // After a reload the stored state comes back from the background: the first set looks different
    // (its Thumbs up is pressed) and the second, never touched, looks exactly as before.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('margin-annotator').length === 2, { timeout: 60_000 });
    expect(await hostCount()).toBe(2);
    let after: Buffer[] = [];
    // The saved state arrives from the background after the controls render: give it time, by the clock.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      after = [await shotOfHost(page, 0), await shotOfHost(page, 1)];
      if (!after[0]?.equals(before[0] as Buffer) && after[1]?.equals(before[1] as Buffer)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(after[1]?.equals(before[1] as Buffer), 'untouched controls render the same after reload').toBe(true);
    expect(after[0]?.equals(before[0] as Buffer), 'saved thumbs up shows after reload').toBe(false);
    expect(
      await page.evaluate(async () => ({
        databases: (await indexedDB.databases()).length,
        localStorage: localStorage.length,
      })),
    ).toEqual({ databases: 0, localStorage: 0 });
  });
});
