import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { findBrowser, installHint } from './browser-paths.js';
import { chromeExtensionDir } from './paths.ts';
import { makeTempDir } from './temp-dir.ts';

export interface ChromiumSession {
  context: BrowserContext;
  /** The extension's MV3 service worker. */
  serviceWorker: Worker;
  extensionId: string;
  /** Opens one of the extension's own pages (`popup.html`, `options.html`). */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Flags for every Chromium the tests and benchmarks start: no sandbox (root in CI), and no background
 * networking, which this offline machine refuses.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Tabs whose address ends so are the welcome page a first install opens (background/index.ts). */
export const WELCOME_PAGE = /\/welcome\.html$/;

/**
 * Closes the welcome tab a first install opens: it would take the focus (and "the active tab") from
 * the page a test works on. test/e2e/welcome.test.ts keeps it (`keepWelcome`). Resolves once one
 * welcome tab is closed: a `context.route` made while a tab is closing fails with "Target page,
 * context or browser has been closed" (seen in annotate-self-hosted, whose first step is a route).
 */
function closeWelcomeTabs(context: BrowserContext): Promise<void> {
  let closed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const watch = (page: Page) => {
    const closeIfWelcome = () => {
      if (WELCOME_PAGE.test(page.url())) void page.close().then(closed, closed);
    };
    closeIfWelcome();
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) closeIfWelcome();
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return done;
}

/**
 * Starts Debian's Chromium (or $MARGIN_CHROMIUM) with the built extension in a fresh profile, or in
 * `profileDir` (a browser restart on the same profile); a given profile outlives `close()`, its owner removes it.
 */
export async function launchChromium(
  extensionDir = chromeExtensionDir,
  { keepWelcome = false, profileDir }: { keepWelcome?: boolean; profileDir?: string } = {},
): Promise<ChromiumSession> {
  const executablePath = findBrowser('chromium');
  if (!executablePath) throw new Error(installHint('chromium'));
  if (!existsSync(`${extensionDir}/manifest.json`)) {
    throw new Error(`No built extension at ${extensionDir}: run \`npm run build\` first.`);
  }
  const profile =
    profileDir === undefined ? await makeTempDir('chromium-profile') : { path: profileDir, remove: async () => {} };
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
  });
  const welcomeClosed = keepWelcome ? undefined : closeWelcomeTabs(context);
  try {
    const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    // A first install opens the welcome tab; a restarted profile does not (so the wait is bounded).
    if (welcomeClosed && profileDir === undefined) {
      await Promise.race([welcomeClosed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
    const extensionId = new URL(serviceWorker.url()).host;
    return {
      context,
      serviceWorker,
      extensionId,
      async openExtensionPage(path) {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${extensionId}/${path}`);
        return page;
      },
      async close() {
        await context.close();
        await profile.remove();
      },
    };
  } catch (error) {
    await context.close();
    await profile.remove();
    throw error;
  }
}

/**
 * Answers every request to `url` with `html`, so the page loads at the chat site's real address and
 * the content script's real match patterns apply. Anything else on that origin gets an empty 204.
 */
export async function serveFixturePage(context: BrowserContext, url: string, html: string): Promise<void> {
  const { origin } = new URL(url);
  await context.route(`${origin}/**`, (route) =>
    route.request().url() === url
      ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
      : route.fulfill({ status: 204, body: '' }),
  );
}
