import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findBrowser, installHint } from './browser-paths.js';
import { firefoxExtensionDir } from './paths.ts';
import { makeTempDir } from './temp-dir.ts';

export interface FirefoxSession {
  browser: Browser;
  extensionId: string;
  close(): Promise<void>;
}

export interface FirefoxLaunchOptions {
  extensionDir?: string;
  /**
   * The browser window's size, which pages take as their viewport. Set at launch because
   * `page.setViewport` sends BiDi `emulation.setScreenOrientationOverride`, which Firefox 140 ESR
   * does not implement.
   */
  window?: { width: number; height: number };
}

/** Starts Firefox ESR (or $MARGIN_FIREFOX) over WebDriver BiDi and installs the built extension. */
export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxSession> {
  const { extensionDir = firefoxExtensionDir, window = { width: 1280, height: 900 } } = options;
  const executablePath = findBrowser('firefox');
  if (!executablePath) throw new Error(installHint('firefox'));
  if (!existsSync(`${extensionDir}/manifest.json`)) {
    throw new Error(`No built extension at ${extensionDir}: run \`npm run build\` first.`);
  }
  const profile = await makeTempDir('firefox-profile');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir: profile.path,
    // No viewport emulation (see `window` above): pages get the window's size.
    defaultViewport: null,
    args: [`--width=${window.width}`, `--height=${window.height}`],
  });
  try {
    const extensionId = await browser.installExtension(extensionDir);
    return {
      browser,
      extensionId,
      async close() {
        await browser.close();
        await profile.remove();
      },
    };
  } catch (error) {
    await browser.close();
    await profile.remove();
    throw error;
  }
}

/** Same as the Chromium helper: `url` answers with `html`, other requests to its origin with 204. */
export async function serveFixturePageFirefox(page: Page, url: string, html: string): Promise<void> {
  const { origin } = new URL(url);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const requestUrl = request.url();
    if (requestUrl === url) {
      void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    } else if (requestUrl.startsWith(`${origin}/`)) {
      void request.respond({ status: 204, body: '' });
    } else {
      void request.continue();
    }
  });
}
