import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMarginClient } from '../../companion/src/client/index.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { ControlsDriver, readStore, readStoredAnnotations } from './support/annotate-driver.ts';
import { evaluateAsContentScript, recordExtensionRequests } from './support/network-recorder.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';
import { companionAnnotations, pairThroughOptions, textOf, thumbUp, waitUntil } from './support/sync-helpers.ts';

/** Opens a site's fixture with the recorder watching the page before it loads; waits for the controls. */
async function openWatchedFixture(
  session: ChromiumSession,
  recorder: ReturnType<typeof recordExtensionRequests>,
  site: string,
) {
  const scenario = scenarios.find((candidate) => candidate.site === site);
  if (!scenario) throw new Error(`no scenario for ${site}`);
  const fixture = scenario.fixture('multi-turn');
  await serveFixturePage(session.context, fixture.expected.url, fixture.html);
  const page: Page = await session.context.newPage();
  const cdp = await recorder.watchChatPage(page);
  await page.goto(fixture.expected.url);
  const driver = await ControlsDriver.attach(session.context, page);
  await driver.waitForHosts(fixture.expected.responses.filter((response) => response.capture).length);
  return { page, cdp, driver };
}

describe('privacy (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('during a full annotate-and-sync run, the extension sends requests to the paired companion and nowhere else', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    const recorder = recordExtensionRequests(session);

    await pairThroughOptions(session, companion, 1);
    const sites = ['chatgpt', 'claude', 'gemini'];
    let watched: Awaited<ReturnType<typeof openWatchedFixture>> | undefined;
    for (const site of sites) {
      watched = await openWatchedFixture(session, recorder, site);
      await thumbUp(watched.driver, 0);
    }
    await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === sites.length,
      'every annotation at the companion',
    );
    // A review from a pipeline: the popup lists it (its requests go to the companion too).
    const pipeline = createMarginClient({ url: companion.url, token: companion.token });
    await pipeline.createReview({ title: 'Check the answer', output: 'Paris.', key: 'privacy-review' });
    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text === 'Synced',
      'popup: Synced',
    );
    await waitUntil(
      () => textOf(popup.getByRole('region', { name: /Reviews/ }).locator('[data-reviews-pending]')),
      (text) => text === '1',
      'popup: the pending review',
    );

    // It did talk: pairing, pushes and pulls from the service worker, the pages' own calls.
    const sources = new Set(recorder.requests.map((request) => request.source));
    expect(sources).toContain('service worker');
    expect(sources).toContain('extension page');
    expect(recorder.requests.some((request) => new URL(request.url).pathname === '/api/v1/sync/push')).toBe(true);
    const foreign = recorder.foreign(companion.url);
    expect(foreign, JSON.stringify(foreign)).toEqual([]);

    // And the recorder would have seen a request elsewhere, from the worker or from a content script.
    await session.serviceWorker.evaluate(() => fetch('http://worker.margin-test.invalid/').catch(() => undefined));
    await evaluateAsContentScript(
      watched?.cdp ?? (await session.context.newCDPSession(popup)),
      session.extensionId,
      "fetch('http://content.margin-test.invalid/').catch(() => undefined)",
    );
    await waitUntil(
      async () => recorder.foreign(companion?.url ?? ''),
      (list) => list.length === 2,
      'the two planted requests',
    );
    expect(recorder.foreign(companion.url)).toEqual([
      { source: 'service worker', url: 'http://worker.margin-test.invalid/' },
      { source: 'content script', url: 'http://content.margin-test.invalid/' },
    ]);
    await recorder.dispose();
  });

  it('“Delete all Margin data in this browser” asks first, then leaves nothing behind', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    const options = await pairThroughOptions(session, companion, 60);
    await options.getByLabel('Annotator name').fill('ada');
    expect((await saveOptions(options)).tone).toBe('ok');
    const { driver } = await openWatchedFixture(session, recordExtensionRequests(session), 'chatgpt');
    await thumbUp(driver, 0);
    expect(await readStoredAnnotations(session.serviceWorker)).toHaveLength(1);
    await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 1,
      'the annotation at the companion',
    );

    await options.reload();
    const section = options.getByRole('region', { name: 'Delete all data' });
    await section.getByRole('button', { name: 'Delete all Margin data in this browser' }).click();
    const dialog = section.getByRole('alertdialog');
    expect(await textOf(dialog.locator('p'))).toMatch(
      /^Delete 1 annotation, 0 comparisons and every setting\?( 1 change never reached the companion and will be lost for good\.)? This cannot be undone\.$/,
    );
    // Cancel deletes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await readStoredAnnotations(session.serviceWorker)).toHaveLength(1);

    await section.getByRole('button', { name: 'Delete all Margin data in this browser' }).click();
    await section.getByRole('button', { name: 'Delete everything' }).click();
    await waitUntil(
      () => textOf(options.getByRole('region', { name: 'Delete all data' }).getByRole('status')),
      (text) => text.startsWith('Deleted 1 annotation, 0 comparisons and every setting from this browser.'),
      'the deletion note',
    );
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
    expect(await readStore(session.serviceWorker, 'syncMeta')).toEqual([]);
    expect(await readStore(session.serviceWorker, 'outbox')).toEqual([]);
    expect(await session.serviceWorker.evaluate(() => chrome.storage.local.get(null))).toEqual({});
    // The options page shows the defaults again, and the popup says the browser is not paired.
    expect(await options.getByLabel('Annotator name').inputValue()).toBe('me');
    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text === 'Not paired with a companion',
      'popup: not paired',
    );
    // The companion keeps its copy: deleting it is "margin purge".
    expect(await companionAnnotations(companion)).toHaveLength(1);
  });
});
