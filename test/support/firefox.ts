import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import { findBrowser, installHint } from './browser-paths.js';
import { firefoxExtensionDir } from './paths.ts';
import { makeTempDir } from './temp-dir.ts';

/** The add-on id in the manifest (browser_specific_settings.gecko.id). */
export const FIREFOX_ADDON_ID = 'margin@margin-annotations.dev';
/**
 * The extension's internal UUID (its `moz-extension://` host), fixed through a profile preference so
 * the tests can open its pages; Firefox otherwise draws a random one per profile.
 */
export const FIREFOX_EXTENSION_UUID = '6d1c9a52-7e3b-4f08-9c2a-5b4e8d7f0a13';

/** The raw WebDriver BiDi connection, for what puppeteer does not expose (closed shadow roots, navigation). */
export interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}

export interface FirefoxSession {
  browser: Browser;
  extensionId: string;
  /** `moz-extension://<uuid>` */
  extensionOrigin: string;
  connection: BidiConnection;
  /**
   * Opens one of the extension's pages (`options.html`, `popup.html`) in a new tab, ready to use.
   * Extension pages forbid `eval`, so `page.waitForFunction` fails there: poll with `page.evaluate`.
   */
  openExtensionPage(path: string): Promise<Page>;
  /** Loads `url` in `page` (as `page.goto`, which does not see an extension page finish loading). */
  navigate(page: Page, url: string): Promise<void>;
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
  /** Profile preferences, e.g. `extensions.webextOptionalPermissionPrompts: false` (see firefox-self-hosted.test.ts). */
  prefs?: Record<string, string | number | boolean>;
  /** Keep the welcome tab a first install opens (closed by default: it takes the focus). */
  keepWelcome?: boolean;
}

/** The BiDi browsing context id of a page's main frame. */
export function contextOf(page: Page): string {
  return (page.mainFrame() as unknown as { _id: string })._id;
}

/** Starts Firefox ESR (or $MARGIN_FIREFOX) over WebDriver BiDi and installs the built extension. */
export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxSession> {
  const { extensionDir = firefoxExtensionDir, window = { width: 1280, height: 900 }, prefs = {} } = options;
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
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: FIREFOX_EXTENSION_UUID }),
      ...prefs,
    },
  });
  // The welcome tab a first install opens would take the focus from the page a test works on.
  if (!options.keepWelcome) {
    const closeIfWelcome = (target: Target) => {
      if (target.type() !== 'page' || !/\/welcome\.html$/.test(target.url())) return;
      void target
        .page()
        .then((page) => page?.close())
        .catch(() => undefined);
    };
    browser.on('targetcreated', closeIfWelcome);
    browser.on('targetchanged', closeIfWelcome);
  }
  try {
    const extensionId = await browser.installExtension(extensionDir);
    const connection = (browser as unknown as { connection: BidiConnection }).connection;
    const extensionOrigin = `moz-extension://${FIREFOX_EXTENSION_UUID}`;
    const navigate = async (page: Page, url: string) => {
      await connection.send('browsingContext.navigate', { context: contextOf(page), url, wait: 'complete' });
      // The page's realm is ready once it answers with the new address.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const href = await page.evaluate(() => location.href).catch(() => '');
        if (href === url) return;
        if (Date.now() > deadline) throw new Error(`${url} did not load (at ${href || 'nothing'})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    return {
      browser,
      extensionId,
      extensionOrigin,
      connection,
      navigate,
      async openExtensionPage(path) {
        const page = await browser.newPage();
        await navigate(page, `${extensionOrigin}/${path}`);
        return page;
      },
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

/**
 * Puts `page`'s tab in front and waits until its document has the focus, as a person's tab has when
 * they type. Until then Firefox (a new tab under load, say) moves the focus without focus events, and
 * Enter on a focused button does not click it: keys sent earlier test a window nobody could type into.
 */
export async function focusTab(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.bringToFront();
  const deadline = Date.now() + timeoutMs;
  // Polled with evaluate: waitForFunction compiles with Function(), which some pages' CSP blocks in Firefox.
  while (!(await page.evaluate(() => document.hasFocus()))) {
    if (Date.now() > deadline) throw new Error(`the tab at ${page.url()} never got the focus`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
