import type { CDPSession, Locator, Page } from 'playwright-core';
import {
  type Annotation,
  type StatsResponse,
  statsResponseSchema,
  syncPullResponseSchema,
} from '../../../shared/index.ts';
import { type ChromiumSession, serveFixturePage } from '../../support/chromium.ts';
import type { CompanionProcess } from '../../support/companion.ts';
import { ControlsDriver } from './annotate-driver.ts';
import { saveOptions } from './options-save.ts';
import { scenarios } from './site-scenarios.ts';

/** Polls `read` until `accept` holds; the error names what was awaited and the last value seen. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}

/** Pairs the extension the way a person does: the options page's Companion section. */
export async function pairThroughOptions(
  session: ChromiumSession,
  companion: Pick<CompanionProcess, 'url' | 'token'>,
  intervalSeconds: number,
): Promise<Page> {
  const options = await session.openExtensionPage('options.html');
  const section = options.getByRole('region', { name: 'Companion' });
  await section.getByLabel('Companion URL').fill(companion.url);
  await section.getByLabel('Pairing token').fill(companion.token);
  await section.getByLabel('Sync interval (seconds)').fill(String(intervalSeconds));
  await saveOptions(options);
  await waitUntil(
    () => companionNote(options),
    (text) => text.startsWith('Paired with Margin companion') && text.endsWith('Syncing now.'),
    'pairing',
  );
  return options;
}

export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

export function companionNote(options: Page): Promise<string> {
  return textOf(options.locator('[data-companion-note]'));
}

async function companionGet(companion: CompanionProcess, path: string): Promise<unknown> {
  const response = await fetch(`${companion.url}${path}`, { headers: { Authorization: `Bearer ${companion.token}` } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.json();
}

/** What the companion holds, asked through its API. */
export async function companionAnnotations(companion: CompanionProcess): Promise<Annotation[]> {
  return syncPullResponseSchema.parse(await companionGet(companion, '/api/v1/sync/pull?since=0&limit=1000'))
    .annotations;
}

export async function companionStats(companion: CompanionProcess): Promise<StatsResponse> {
  return statsResponseSchema.parse(await companionGet(companion, '/api/v1/stats'));
}

/** Opens a site's committed fixture at its real URL and waits for the controls of every finished response. */
export async function openFixture(session: ChromiumSession, site: string, fixtureName = 'multi-turn') {
  const scenario = scenarios.find((candidate) => candidate.site === site);
  if (!scenario) throw new Error(`no scenario for ${site}`);
  const fixture = scenario.fixture(fixtureName);
  await serveFixturePage(session.context, fixture.expected.url, fixture.html);
  const page = await session.context.newPage();
  await page.goto(fixture.expected.url);
  const driver = await ControlsDriver.attach(session.context, page);
  const responses = fixture.expected.responses.filter((response) => response.capture).length;
  await driver.waitForHosts(responses);
  return { page, driver, fixture };
}

/** Thumbs up on response `host` of the page, waiting until the background says it is saved. */
export async function thumbUp(driver: ControlsDriver, host: number): Promise<void> {
  await driver.click(host, 'button', 'Thumbs up');
  await driver.waitForStatus(host, /^Saved$/);
}

/**
 * The extension's service worker as DevTools sees it (CDP `ServiceWorker` domain, from one of the
 * extension's pages): the running statuses it went through, and a way to stop it as Chrome does when idle.
 */
export async function watchServiceWorker(session: ChromiumSession) {
  const page = await session.openExtensionPage('options.html');
  const cdp: CDPSession = await session.context.newCDPSession(page);
  const statuses: string[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const version of event.versions) {
      if (!version.scriptURL.startsWith(`chrome-extension://${session.extensionId}/`)) continue;
      statuses.push(version.runningStatus);
    }
  });
  await cdp.send('ServiceWorker.enable');
  return {
    statuses,
    /** Stops it; resolves once DevTools reported it stopped (an event may start it again right after). */
    async stop(): Promise<void> {
      const from = statuses.length;
      await cdp.send('ServiceWorker.stopAllWorkers');
      await waitUntil(
        async () => statuses.slice(from),
        (seen) => seen.includes('stopped'),
        'the service worker to stop',
        10_000,
      );
    },
  };
}
