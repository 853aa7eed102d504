import type { ElementHandle, Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { type FirefoxSession, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { ExtensionStore, FirefoxControls } from './support/firefox-controls.ts';
import { saveOptionsFirefox } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';
import { companionAnnotations, waitUntil } from './support/sync-helpers.ts';

/** The field of the options page whose label starts with `label` (a label may hold a hint after it). */
async function fill(page: Page, label: string, text: string) {
  // The options page renders after its settings load: wait for the label before looking for its field.
  await page
    .waitForFunction(
      (label) =>
        Array.from(document.querySelectorAll('label')).some((element) => element.textContent?.trim().startsWith(label)),
      { timeout: 15_000 },
      label,
    )
    .catch(() => undefined);
  const handle = (
    await page.evaluateHandle(
      (label) =>
        Array.from(document.querySelectorAll('label'))
          .find((element) => element.textContent?.trim().startsWith(label))
          ?.querySelector('input, textarea') ?? null,
      label,
    )
  ).asElement() as ElementHandle<HTMLInputElement> | null;
  if (!handle) throw new Error(`no field labelled "${label}"`);
  await handle.click({ count: 3 });
  await page.keyboard.press('Backspace');
  await handle.type(text);
}

const textAt = (page: Page, selector: string) =>
  page.evaluate((selector) => document.querySelector(selector)?.textContent ?? '', selector);

describe('sync with a companion (Firefox)', () => {
  let session: FirefoxSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  // A companion process and Firefox on two shared cores: more than the default 90 s at times.
  it('pairs through the options page, then annotations made on a chat page arrive at the companion, and edits made there come back', {
    timeout: 180_000,
  }, async () => {
    companion = await startCompanion();
    const running = companion;
    session = await launchFirefox({ window: { width: 1100, height: 1400 } });

    // Pairing as a person does, in one action: a wrong token is refused and nothing is saved, then the right one pairs.
    const options = await session.openExtensionPage('options.html');
    await fill(options, 'Companion URL', running.url);
    await fill(options, 'Pairing token', 'not-the-token');
    await fill(options, 'Sync interval (seconds)', '1');
    expect((await saveOptionsFirefox(options)).tone).toBe('error');
    const note = () => textAt(options, '[data-companion-note]');
    const refused = await waitUntil(note, (text) => text.startsWith('Not paired'), 'token rejected');
    expect(refused).toMatch(/Token rejected \(HTTP 401\).*Nothing of the pairing was saved\.$/);
    await fill(options, 'Pairing token', running.token);
    expect((await saveOptionsFirefox(options)).tone).toBe('ok');
    await waitUntil(
      note,
      (text) => text.startsWith('Paired with Margin companion') && text.endsWith('Syncing now.'),
      'pairing',
    );

    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture');
    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, fixture.expected.url, fixture.html);
    await page.goto(fixture.expected.url);
    const driver = new FirefoxControls(page, session.connection);
    await driver.waitForHosts(2);
    await driver.click(0, 'button', 'Thumbs up');
    await driver.waitForStatus(0, /^Saved$/);
    await driver.click(1, 'button', 'Thumbs down');
    await driver.waitForStatus(1, /^Saved$/);

    const store = await ExtensionStore.open(session);
    const stored = await store.annotations();
    expect(stored).toHaveLength(2);
    const arrived = await waitUntil(
      () => companionAnnotations(running),
      (list) => list.length === 2,
      'both annotations at the companion',
    );
    const byId = (list: typeof stored) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(arrived)).toEqual(byId(stored));

    // An edit made at the companion (another device) is pulled into this browser by the next sync
    // (the 1 s interval chosen above: Firefox runs the alarm that often for this add-on).
    const edited = { ...(arrived[0] as (typeof arrived)[number]) };
    Object.assign(edited, { comment: 'from the dashboard', revision: edited.revision + 1 });
    edited.updatedAt = new Date(Date.parse(edited.updatedAt) + 1000).toISOString();
    const push = await fetch(`${running.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: 'other-device', annotations: [edited] }),
    });
    expect(push.status).toBe(200);
    await waitUntil(
      async () => (await store.annotations()).find((annotation) => annotation.id === edited.id)?.comment,
      (comment) => comment === 'from the dashboard',
      'the edit pulled back',
    );

    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textAt(popup, '[data-sync-headline]'),
      (text) => text === 'Synced',
      'popup: Synced',
    );
  });
});
