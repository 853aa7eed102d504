import { afterEach, describe, expect, it } from 'vitest';
import { captureResponse, type ResponseCapture } from '../../extension/src/capture/capture-response.ts';
import { createGenericAdapter } from '../../extension/src/sites/generic/generic-adapter.ts';
import { allSiteMatches } from '../../extension/src/sites/index.ts';
import type { SiteFixture } from '../extension/site-fixtures.ts';
import { loadSiteFixtures, parsePage } from '../extension/site-fixtures.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';

/** What expected.json says capture returns, as an annotation stores it (the missing-turn count goes to metadata). */
function storedFields(fixture: SiteFixture) {
  return fixture.expected.responses.flatMap((response) => {
    if (!response.capture) return [];
    const { missingContextTurns: _missing, ...fields } = response.capture;
    return [fields];
  });
}

function fixtureOf(site: string, name: string): SiteFixture {
  const fixture = loadSiteFixtures(site).find((candidate) => candidate.name === name);
  if (!fixture) throw new Error(`no fixture ${site}/${name}`);
  return fixture;
}

/** The fixture's conversation page moved to `origin` (where the person runs the app). */
function at(origin: string, fixture: SiteFixture): string {
  const url = new URL(fixture.expected.url);
  return `${origin}${url.pathname}${url.search}`;
}

/**
 * The person grants Margin a site in the browser's own extension settings. Headless Chromium cannot
 * show (or answer) the permission prompt that `permissions.request` opens, so the grant goes through
 * the API behind chrome://extensions' "Site access" ("Add site"): the same browser-side grant, made
 * from the browser's own settings page. The options page then calls the real `permissions.request`,
 * which the browser answers at once because that site is granted.
 */
async function grantInBrowserSettings(session: ChromiumSession, pattern: string): Promise<void> {
  const settings = await session.context.newPage();
  await settings.goto(`chrome://extensions/?id=${session.extensionId}`);
  await settings.evaluate(
    ({ id, pattern }) =>
      (
        globalThis as unknown as {
          chrome: { developerPrivate: { addHostPermission(id: string, host: string): Promise<void> } };
        }
      ).chrome.developerPrivate.addHostPermission(id, pattern),
    { id: session.extensionId, pattern },
  );
  await settings.close();
}

async function addInOptions(session: ChromiumSession, address: string, app?: 'generic') {
  const options = await session.openExtensionPage('options.html');
  const section = options.locator('section[aria-labelledby="self-hosted-heading"]');
  await section.getByLabel('Address').fill(address);
  if (app) await section.getByLabel('App').selectOption(app);
  // The one Save asks the browser for the site (permissions.request, from the click).
  await saveOptions(options);
  return { options, section };
}

/** What the generic adapter captures from `html` at `url`, read outside the browser: every finished answer. */
async function genericCaptures(url: string, html: string): Promise<ResponseCapture[]> {
  const { document, close } = parsePage(url, html);
  try {
    const adapter = createGenericAdapter(document);
    if (!adapter) throw new Error('the generic adapter finds no conversation in the fixture');
    return adapter
      .turns(document)
      .filter((turn) => turn.role === 'assistant' && !adapter.isStreaming(turn, document) && adapter.anchor(turn))
      .flatMap((turn) => captureResponse(adapter, document, url, turn.element) ?? []);
  } finally {
    await close();
  }
}

const registeredScripts = (session: ChromiumSession) =>
  session.serviceWorker.evaluate(() => chrome.scripting.getRegisteredContentScripts());

describe('self-hosted chat apps on an origin the person adds (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('Open WebUI on a custom origin: add it in the options, grant, and annotate', async () => {
    session = await launchChromium();
    const s = session;
    const origin = 'http://chat.internal:3000';
    const fixture = fixtureOf('open-webui', 'multi-turn');

    // Nothing is registered, and nothing broad is granted, before the person adds the origin.
    expect(await registeredScripts(session)).toEqual([]);
    const manifest = await session.serviceWorker.evaluate(() => chrome.runtime.getManifest());
    // The companion on loopback and the chat sites the content script runs on (for "Report a broken page"): nothing broad.
    expect([...(manifest.host_permissions ?? [])].sort()).toEqual(
      ['http://127.0.0.1/*', 'http://localhost/*', ...allSiteMatches].sort(),
    );
    expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(
      await session.serviceWorker.evaluate(() => chrome.permissions.contains({ origins: ['http://chat.internal/*'] })),
    ).toBe(false);

    // Before anything is added, the app's page gets no controls.
    await serveFixturePage(session.context, at(origin, fixture), fixture.html);
    const before = await session.context.newPage();
    await before.goto(at(origin, fixture));
    await before.waitForTimeout(1_500);
    expect(await before.locator('margin-annotator').count()).toBe(0);
    await before.close();

    await grantInBrowserSettings(session, 'http://chat.internal/*');
    const { options, section } = await addInOptions(session, `${origin}/`);
    await expect
      .poll(() => section.locator('[data-self-hosted-note]').textContent())
      .toBe(`Added ${origin}. Reload its open tabs to see Margin there.`);
    expect(await section.getByRole('list', { name: 'Added addresses' }).textContent()).toContain(origin);
    expect(await registeredScripts(session)).toMatchObject([
      { id: 'margin-self-hosted', matches: ['http://chat.internal/*'], js: ['content-scripts/self-hosted.js'] },
    ]);

    const page = await session.context.newPage();
    await page.goto(at(origin, fixture));
    const driver = await ControlsDriver.attach(session.context, page);
    const captures = storedFields(fixture);
    await driver.waitForHosts(captures.length);
    for (const [index, expected] of captures.entries()) {
      await driver.click(index, 'button', 'Thumbs up');
      await driver.waitForStatus(index, /^Saved$/);
      const stored = (await readStoredAnnotations(s.serviceWorker)).find((a) => a.messageId === expected.messageId);
      expect(stored).toMatchObject({ site: 'open-webui', url: at(origin, fixture), thumb: 'up', ...expected });
    }
    await page.waitForTimeout(300);
    expect(await driver.hostCount()).toBe(captures.length);

    // The same app on an origin nobody added gets nothing.
    const elsewhere = 'http://other.internal:3000';
    await serveFixturePage(session.context, at(elsewhere, fixture), fixture.html);
    const other = await session.context.newPage();
    await other.goto(at(elsewhere, fixture));
    await other.waitForTimeout(1_500);
    expect(await other.locator('margin-annotator').count()).toBe(0);

    // Removing the origin gives the permission back and unregisters the script.
    await section.getByRole('button', { name: `Remove ${origin}` }).click();
    expect(await section.getByRole('list', { name: 'Added addresses' }).textContent()).toContain(
      'removed when you save',
    );
    expect((await saveOptions(options)).tone).toBe('ok');
    expect(await section.locator('[data-self-hosted-note]').textContent()).toBe(`Removed ${origin}.`);
    expect(await registeredScripts(session)).toEqual([]);
    expect(
      await session.serviceWorker.evaluate(() => chrome.permissions.contains({ origins: ['http://chat.internal/*'] })),
    ).toBe(false);
  });

  it('LibreChat on another origin the same way', async () => {
    session = await launchChromium();
    const s = session;
    const origin = 'https://librechat.example.test';
    const fixture = fixtureOf('librechat', 'multi-turn');
    await grantInBrowserSettings(session, 'https://librechat.example.test/*');
    const { section } = await addInOptions(session, origin);
    await expect.poll(() => section.locator('[data-self-hosted-note]').textContent()).toContain(`Added ${origin}.`);

    await serveFixturePage(session.context, at(origin, fixture), fixture.html);
    const page = await session.context.newPage();
    await page.goto(at(origin, fixture));
    const driver = await ControlsDriver.attach(session.context, page);
    const captures = storedFields(fixture);
    await driver.waitForHosts(captures.length);
    const last = captures.length - 1;
    await driver.click(last, 'button', 'Thumbs down');
    await driver.waitForStatus(last, /^Saved$/);
    const [stored] = await readStoredAnnotations(s.serviceWorker);
    expect(stored).toMatchObject({ site: 'librechat', url: at(origin, fixture), thumb: 'down', ...captures[last] });
  });

  it('another chat app on an origin opted in for the generic adapter: annotated from the page’s structure', async () => {
    session = await launchChromium();
    const s = session;
    const origin = 'http://answers.internal:8080';
    const fixture = fixtureOf('perplexity', 'multi-turn');
    const url = at(origin, fixture);
    const expected = await genericCaptures(url, fixture.html);
    expect(expected.length).toBeGreaterThan(0);

    await grantInBrowserSettings(session, 'http://answers.internal/*');
    const { section } = await addInOptions(session, origin, 'generic');
    await expect.poll(() => section.locator('[data-self-hosted-note]').textContent()).toContain(`Added ${origin}.`);
    expect(await section.getByRole('list', { name: 'Added addresses' }).textContent()).toContain(
      `${origin} (generic adapter)`,
    );
    expect(await registeredScripts(session)).toMatchObject([
      { id: 'margin-generic', matches: ['http://answers.internal/*'], js: ['content-scripts/generic.js'] },
    ]);

    await serveFixturePage(session.context, url, fixture.html);
    const page = await session.context.newPage();
    await page.goto(url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(expected.length);
    for (const [index, capture] of expected.entries()) {
      await driver.click(index, 'button', 'Thumbs up');
      await driver.waitForStatus(index, /^Saved$/);
      const stored = (await readStoredAnnotations(s.serviceWorker)).find((a) => a.messageId === capture.messageId);
      expect(stored).toMatchObject({
        site: 'generic',
        url,
        thumb: 'up',
        conversationId: capture.conversationId,
        context: capture.context,
        response: capture.response,
      });
    }
    await page.waitForTimeout(300);
    expect(await driver.hostCount()).toBe(expected.length);
  });

  it('refuses an address that is not an origin, saying what to type', async () => {
    session = await launchChromium();
    const { section } = await addInOptions(session, 'chat.internal:3000/c/abc');
    await expect
      .poll(() => section.locator('[data-self-hosted-note]').textContent())
      .toBe('the address must start with http:// or https://');
    const second = await addInOptions(session, 'http://chat.internal:3000/c/abc');
    await expect
      .poll(() => second.section.locator('[data-self-hosted-note]').textContent())
      .toBe('give only the origin, e.g. http://chat.internal:3000');
    expect(await registeredScripts(session)).toEqual([]);
  });
});
