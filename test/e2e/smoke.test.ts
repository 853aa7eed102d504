import { afterEach, describe, expect, it } from 'vitest';
import { loadSiteFixtures } from '../extension/site-fixtures.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { type FirefoxSession, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';

const CHAT_URL = 'https://chatgpt.com/c/6740f2a1-0000-8000-8000-00000000beef';
// A conversation with finished responses: controls (and so their hosts) appear only next to those.
const PAGE = loadSiteFixtures('chatgpt').find((fixture) => fixture.name === 'multi-turn')?.html ?? '';
const HOST = 'margin-annotator';

describe('Chromium smoke', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('starts the background and runs the content script at a real chat URL', async () => {
    session = await launchChromium();
    expect(session.extensionId).toMatch(/^[a-p]{32}$/);
    const version = await session.serviceWorker.evaluate(() => chrome.runtime.getManifest().version);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);

    await serveFixturePage(session.context, CHAT_URL, PAGE);
    const page = await session.context.newPage();
    await page.goto(CHAT_URL);
    // A host appears only after the background answered with the conversation's saved state.
    await page.waitForSelector(HOST, { state: 'attached' });
    expect(await page.evaluate((tag) => document.querySelector(tag)?.shadowRoot ?? null, HOST)).toBeNull();
  });

  it('does not run the content script on a page it does not match', async () => {
    session = await launchChromium();
    const url = 'https://example.org/c/not-a-chat';
    await serveFixturePage(session.context, url, PAGE);
    const page = await session.context.newPage();
    await page.goto(url);
    await page.waitForTimeout(500);
    expect(await page.locator(HOST).count()).toBe(0);
  });
});

describe('Firefox smoke', () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('installs the extension and runs the content script at a real chat URL', async () => {
    session = await launchFirefox();
    expect(session.extensionId).toBe('margin@margin-annotations.dev');
    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, CHAT_URL, PAGE);
    await page.goto(CHAT_URL);
    await page.waitForSelector(HOST, { timeout: 20_000 });
    expect(await page.evaluate((tag) => document.querySelector(tag)?.shadowRoot ?? null, HOST)).toBeNull();
  });
});
