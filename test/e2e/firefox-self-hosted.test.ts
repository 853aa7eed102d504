import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteFixture } from '../extension/site-fixtures.ts';
import { loadSiteFixtures } from '../extension/site-fixtures.ts';
import { type FirefoxSession, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { ExtensionStore, FirefoxControls } from './support/firefox-controls.ts';
import { type SaveResult, saveOptionsFirefox } from './support/options-save.ts';
import { waitUntil } from './support/sync-helpers.ts';

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

/** What expected.json says capture returns, as an annotation stores it. */
function storedFields(fixture: SiteFixture) {
  return fixture.expected.responses.flatMap((response) => {
    if (!response.capture) return [];
    const { missingContextTurns: _missing, ...fields } = response.capture;
    return [fields];
  });
}

type ExtensionGlobal = {
  browser: {
    scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[]; js?: string[] }[]> };
    permissions: { contains(p: object): Promise<boolean> };
  };
};

const registeredScripts = (options: Page) =>
  options.evaluate(() =>
    (globalThis as unknown as ExtensionGlobal).browser.scripting
      .getRegisteredContentScripts()
      .then((scripts) => scripts.map(({ id, matches, js }) => ({ id, matches, js }))),
  );
const granted = (options: Page, pattern: string) =>
  options.evaluate(
    (pattern) => (globalThis as unknown as ExtensionGlobal).browser.permissions.contains({ origins: [pattern] }),
    pattern,
  );
const note = (options: Page) =>
  options.evaluate(() => document.querySelector('[data-self-hosted-note]')?.textContent ?? '');

/**
 * Adds an address in the options page the way a person does: type it, click the page's one Save.
 * The click makes the real `permissions.request`; Firefox answers it without its prompt because the
 * profile sets `extensions.webextOptionalPermissionPrompts` to false (headless Firefox cannot show
 * the prompt, let alone click it). The request still needs the click's user activation.
 */
async function addInOptions(options: Page, address: string): Promise<SaveResult> {
  const field = await options.$('aria/Address');
  if (!field) throw new Error('no Address field');
  await field.click({ count: 3 });
  await options.keyboard.press('Backspace');
  await field.type(address);
  return saveOptionsFirefox(options);
}

describe('self-hosted chat apps on an origin the person adds (Firefox)', () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  // One Firefox for both apps (a launch alone takes up to half a minute on the shared cores): more than the default 90 s at times.
  it('Open WebUI and LibreChat on origins the person adds: refused addresses, add and grant, annotate, remove', {
    timeout: 180_000,
  }, async () => {
    session = await launchFirefox({
      window: { width: 1100, height: 1600 },
      prefs: { 'extensions.webextOptionalPermissionPrompts': false },
    });
    const origin = 'http://chat.internal:3000';
    const fixture = fixtureOf('open-webui', 'multi-turn');
    const options = await session.openExtensionPage('options.html');
    expect(await registeredScripts(options)).toEqual([]);
    expect(await granted(options, 'http://chat.internal/*')).toBe(false);

    // Before anything is added, the app's page gets no controls.
    const before = await session.browser.newPage();
    await serveFixturePageFirefox(before, at(origin, fixture), fixture.html);
    await before.goto(at(origin, fixture));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await before.evaluate(() => document.querySelectorAll('margin-annotator').length)).toBe(0);
    await before.close();

    // An address that is not an origin is refused, saying what to type, and nothing is registered.
    await options.bringToFront();
    await addInOptions(options, 'chat.internal:3000/c/abc');
    await waitUntil(
      () => note(options),
      (text) => text === 'the address must start with http:// or https://',
      'the scheme refusal',
    );
    await addInOptions(options, 'http://chat.internal:3000/c/abc');
    await waitUntil(
      () => note(options),
      (text) => text === 'give only the origin, e.g. http://chat.internal:3000',
      'the origin refusal',
    );
    expect(await registeredScripts(options)).toEqual([]);
    await addInOptions(options, `${origin}/`);
    await waitUntil(
      () => note(options),
      (text) => text === `Added ${origin}. Reload its open tabs to see Margin there.`,
      'added',
    );
    expect(await granted(options, 'http://chat.internal/*')).toBe(true);
    expect(await registeredScripts(options)).toEqual([
      { id: 'margin-self-hosted', matches: ['http://chat.internal/*'], js: ['content-scripts/self-hosted.js'] },
    ]);

    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, at(origin, fixture), fixture.html);
    await page.goto(at(origin, fixture));
    const driver = new FirefoxControls(page, session.connection);
    const captures = storedFields(fixture);
    await driver.waitForHosts(captures.length);
    const store = await ExtensionStore.open(session);
    await page.bringToFront();
    for (const [index, expected] of captures.entries()) {
      await driver.click(index, 'button', 'Thumbs up');
      await driver.waitForStatus(index, /^Saved$/);
      const stored = (await store.annotations()).find((a) => a.messageId === expected.messageId);
      expect(stored).toMatchObject({ site: 'open-webui', url: at(origin, fixture), thumb: 'up', ...expected });
    }

    // A second app on a second origin joins the same registered script.
    const libreOrigin = 'https://librechat.example.test';
    const libre = fixtureOf('librechat', 'multi-turn');
    await options.bringToFront();
    const libreSaved = await addInOptions(options, libreOrigin);
    expect(libreSaved, 'the Save bar after adding LibreChat').toMatchObject({ tone: 'ok' });
    await waitUntil(
      () => note(options),
      (text) => text.startsWith(`Added ${libreOrigin}.`),
      'LibreChat added',
    );
    expect(await registeredScripts(options)).toEqual([
      {
        id: 'margin-self-hosted',
        matches: ['http://chat.internal/*', 'https://librechat.example.test/*'],
        js: ['content-scripts/self-hosted.js'],
      },
    ]);
    const librePage = await session.browser.newPage();
    await serveFixturePageFirefox(librePage, at(libreOrigin, libre), libre.html);
    await librePage.goto(at(libreOrigin, libre));
    const libreDriver = new FirefoxControls(librePage, session.connection);
    const libreCaptures = storedFields(libre);
    await libreDriver.waitForHosts(libreCaptures.length);
    await librePage.bringToFront();
    const last = libreCaptures.length - 1;
    await libreDriver.click(last, 'button', 'Thumbs down');
    await libreDriver.waitForStatus(last, /^Saved$/);
    const libreStored = (await store.annotations()).find((a) => a.messageId === libreCaptures[last]?.messageId);
    expect(libreStored).toMatchObject({
      site: 'librechat',
      url: at(libreOrigin, libre),
      thumb: 'down',
      ...libreCaptures[last],
    });

    // The same app on an origin nobody added gets nothing.
    const elsewhere = 'http://other.internal:3000';
    const other = await session.browser.newPage();
    await serveFixturePageFirefox(other, at(elsewhere, fixture), fixture.html);
    await other.goto(at(elsewhere, fixture));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await other.evaluate(() => document.querySelectorAll('margin-annotator').length)).toBe(0);

    // Removing the origin gives the permission back and unregisters the script.
    await options.bringToFront();
    const removeButton = await options.waitForSelector(`aria/Remove ${origin}[role="button"]`, { timeout: 10_000 });
    if (!removeButton) throw new Error(`no Remove ${origin} button on the options page`);
    await removeButton.click();
    // The row says it goes on Save (its button turns into Keep) before Save is pressed.
    await options.waitForSelector(`aria/Keep ${origin}[role="button"]`, { timeout: 10_000 });
    await saveOptionsFirefox(options);
    await waitUntil(
      () => note(options),
      (text) => text === `Removed ${origin}.`,
      'removed',
    );
    expect(await registeredScripts(options)).toEqual([
      {
        id: 'margin-self-hosted',
        matches: ['https://librechat.example.test/*'],
        js: ['content-scripts/self-hosted.js'],
      },
    ]);
    expect(await granted(options, 'http://chat.internal/*')).toBe(false);
    expect(await granted(options, 'https://librechat.example.test/*')).toBe(true);
  });
});
