import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteFixture } from '../extension/site-fixtures.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { scenarios } from './support/site-scenarios.ts';

const HOST = 'margin-annotator';

function finishedCaptures(fixture: SiteFixture) {
  return fixture.expected.responses.flatMap((response) => (response.capture ? [response.capture] : []));
}

async function open(session: ChromiumSession, fixture: SiteFixture, url = fixture.expected.url) {
  await serveFixturePage(session.context, url, fixture.html);
  const page = await session.context.newPage();
  await page.goto(url);
  const driver = await ControlsDriver.attach(session.context, page);
  return { page, driver };
}

/** What the page itself can see of us: nothing but empty hosts with closed roots. */
async function pageWorldView(page: Page) {
  return page.evaluate(
    async (tag) => ({
      databases: (await indexedDB.databases()).map((database) => database.name),
      localStorageKeys: Object.keys(localStorage),
      openRoots: Array.from(document.querySelectorAll(tag)).filter((host) => host.shadowRoot !== null).length,
      hostText: Array.from(document.querySelectorAll(tag))
        .map((host) => host.textContent)
        .join(''),
      hostAttributes: Array.from(document.querySelectorAll(tag)).flatMap((host) => host.getAttributeNames()),
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    }),
    HOST,
  );
}

describe.each(scenarios.map((scenario) => [scenario.site, scenario] as const))(
  'annotating on %s (Chromium)',
  (_site, scenario) => {
    let session: ChromiumSession | undefined;
    afterEach(async () => {
      await session?.close();
      session = undefined;
    });

    it('stores thumbs, score, comment, tags and a better response with the captured conversation, and shows them after reload', async () => {
      session = await launchChromium();
      const fixture = scenario.fixture('multi-turn');
      const captures = finishedCaptures(fixture);
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(captures.length);
      const last = captures.length - 1;
      const expected = captures[last];
      if (!expected) throw new Error('fixture has no finished response');

      await driver.click(last, 'button', 'Thumbs up');
      await driver.waitForStatus(last, /^Saved$/);
      let [stored] = await readStoredAnnotations(session.serviceWorker);
      expect(stored).toMatchObject({
        site: scenario.site,
        url: fixture.expected.url,
        conversationId: expected.conversationId,
        messageId: expected.messageId,
        model: expected.model,
        modelSource: expected.modelSource,
        context: expected.context,
        response: expected.response,
        variant: expected.variant,
        thumb: 'up',
        revision: 1,
      });
      expect((await driver.state(last, 'button', 'Thumbs up')).pressed).toBe('true');

      await driver.click(last, 'button', 'Score');
      await driver.press(last, 'slider', 'Score value', '4');
      await driver.click(last, 'button', 'Save score');
      await driver.waitFor(
        async () => (await readStoredAnnotations(session?.serviceWorker as never))[0]?.revision,
        (r) => r === 2,
        'score save',
      );

      await driver.click(last, 'button', 'Comment');
      await driver.type(last, 'textbox', 'Comment text', 'Clear, but the table needs units.');
      await driver.click(last, 'button', 'Save comment');
      await driver.waitFor(
        async () => (await readStoredAnnotations(session?.serviceWorker as never))[0]?.revision,
        (r) => r === 3,
        'comment save',
      );

      await driver.click(last, 'button', 'Tags');
      await driver.type(last, 'textbox', 'Tags text', 'accuracy, formatting, accuracy');
      await driver.click(last, 'button', 'Save tags');
      await driver.waitFor(
        async () => (await readStoredAnnotations(session?.serviceWorker as never))[0]?.revision,
        (r) => r === 4,
        'tags save',
      );

      await driver.click(last, 'button', 'Write a better response');
      // The editor starts from the response as captured.
      expect(await driver.fieldValue(last, 'textbox', 'Better response text')).toBe(expected.response);
      await driver.type(last, 'textbox', 'Better response text', `${expected.response}\n\nUnits: seconds.`);
      await driver.click(last, 'button', 'Save better response');
      await driver.waitForStatus(last, /^Saved$/);

      const all = await readStoredAnnotations(session.serviceWorker);
      expect(all).toHaveLength(1);
      [stored] = all;
      expect(stored).toMatchObject({
        thumb: 'up',
        score: 75,
        comment: 'Clear, but the table needs units.',
        tags: ['accuracy', 'formatting'],
        correction: `${expected.response}\n\nUnits: seconds.`,
        context: expected.context,
        response: expected.response,
        annotator: 'me',
        revision: 5,
        deletedAt: null,
      });
      expect(Date.parse(stored?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(stored?.createdAt ?? ''));

      // The page's own world holds nothing of ours.
      const view = await pageWorldView(page);
      expect(view).toEqual({
        databases: [],
        localStorageKeys: [],
        openRoots: 0,
        hostText: '',
        hostAttributes: [],
        pwned: null,
      });

      await page.reload();
      await driver.waitForHosts(captures.length);
      await driver.waitFor(
        () => driver.state(last, 'button', 'Thumbs up'),
        (state) => state.pressed === 'true',
        'thumbs up shown as pressed after reload',
      );
      expect((await driver.state(0, 'button', 'Thumbs up')).pressed).toBe('false');
      await driver.click(last, 'button', 'Comment');
      expect(await driver.fieldValue(last, 'textbox', 'Comment text')).toBe('Clear, but the table needs units.');
      await driver.click(last, 'button', 'Score');
      expect(await driver.fieldValue(last, 'slider', 'Score value')).toBe('75');
    });

    it('shows controls on a streaming response only once it finishes', async () => {
      session = await launchChromium();
      const fixture = scenario.fixture('streaming');
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(1);
      await page.waitForTimeout(700);
      expect(await driver.hostCount()).toBe(1);
      await scenario.finishStreaming(page);
      await driver.waitForHosts(2);
      await driver.click(1, 'button', 'Thumbs down');
      await driver.waitForStatus(1, /^Saved$/);
      const [stored] = await readStoredAnnotations(session.serviceWorker);
      expect(stored?.thumb).toBe('down');
      expect(stored?.context.at(-1)?.role).toBe('user');
      expect(stored?.response.length).toBeGreaterThan(0);
    });

    it('keeps exactly one set of controls through virtualized remounts, re-renders and SPA navigation', async () => {
      session = await launchChromium();
      const fixture = scenario.fixture('multi-turn');
      const count = finishedCaptures(fixture).length;
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(count);

      // Virtualized: the turn leaves the DOM and a fresh copy comes back (as React remounts it).
      await page.evaluate((selector) => {
        const turn = document.querySelector(selector);
        const parent = turn?.parentElement;
        const next = turn?.nextSibling ?? null;
        const copy = turn?.cloneNode(true) as Element;
        copy.querySelectorAll('margin-annotator').forEach((host) => {
          host.remove();
        });
        turn?.remove();
        setTimeout(() => parent?.insertBefore(copy, next), 100);
      }, scenario.firstResponseTurn);
      await page.waitForTimeout(600);
      await driver.waitForHosts(count);
      expect(await page.locator(`${scenario.firstResponseTurn} ${HOST}`).count()).toBe(1);

      // Re-render: the site replaces its action bar, and mutates text nearby.
      await page.evaluate(() => {
        for (const host of Array.from(document.querySelectorAll('margin-annotator'))) {
          const bar = host.previousElementSibling;
          if (bar) bar.replaceWith(bar.cloneNode(true));
        }
      });
      await page.waitForTimeout(400);
      await driver.waitForHosts(count);

      // SPA navigation to another conversation and back, with the same DOM.
      const other = new URL(fixture.expected.url);
      other.pathname = other.pathname.replace(/[0-9a-f]{4}$/, 'beef');
      await page.evaluate((url) => history.pushState({}, '', url), other.href);
      await page.waitForTimeout(1_500);
      await driver.waitForHosts(count);
      await page.evaluate((url) => history.pushState({}, '', url), fixture.expected.url);
      await page.waitForTimeout(1_500);
      await driver.waitForHosts(count);
      for (const index of Array.from({ length: count }, (_, position) => position)) {
        expect(await driver.statusText(index)).toBe('');
      }
    });

    it('captures hostile markup in a message as text and never runs it', async () => {
      session = await launchChromium();
      const fixture = scenario.fixture('multi-turn');
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(finishedCaptures(fixture).length);
      const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> hello';
      await page.evaluate(
        ({ selector, text }) => {
          const element = document.querySelector(selector);
          if (element) element.textContent = text;
        },
        { selector: scenario.firstUserText, text: payload },
      );
      await driver.click(0, 'button', 'Thumbs up');
      await driver.waitForStatus(0, /^Saved$/);
      const [stored] = await readStoredAnnotations(session.serviceWorker);
      expect(stored?.context[0]).toEqual({ role: 'user', content: payload });
      await driver.click(0, 'button', 'Write a better response');
      await page.waitForTimeout(300);
      expect((await pageWorldView(page)).pwned).toBeNull();
      expect(await page.evaluate(() => document.querySelectorAll('img[src="x"], script').length)).toBe(0);
    });

    it('waits for a new chat to get its id, then annotates it', async () => {
      session = await launchChromium();
      const fixture = scenario.fixture('new-chat');
      const { page, driver } = await open(session, fixture);
      await page.waitForTimeout(1_000);
      expect(await driver.hostCount()).toBe(0);
      await page.evaluate((url) => history.pushState({}, '', url), scenario.newChatTarget);
      await driver.waitForHosts(1);
      await driver.click(0, 'button', 'Thumbs up');
      await driver.waitForStatus(0, /^Saved$/);
      const [stored] = await readStoredAnnotations(session.serviceWorker);
      expect(stored?.url).toBe(scenario.newChatTarget);
      expect(scenario.newChatTarget).toContain(stored?.conversationId ?? 'missing');
    });
  },
);

describe('save failures (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('says a save failed and keeps the typed text when validation rejects it', async () => {
    session = await launchChromium();
    const scenario = scenarios[0];
    if (!scenario) throw new Error('no scenario');
    const fixture = scenario.fixture('multi-turn');
    const { driver } = await open(session, fixture);
    await driver.waitForHosts(finishedCaptures(fixture).length);
    await driver.click(0, 'button', 'Comment');
    const tooLong = `start ${'x'.repeat(20_001)}`;
    await driver.type(0, 'textbox', 'Comment text', tooLong);
    await driver.click(0, 'button', 'Save comment');
    const status = await driver.waitForStatus(0, /^Not saved/);
    expect(status).toMatch(/comment/);
    expect(await driver.fieldValue(0, 'textbox', 'Comment text')).toBe(tooLong);
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
  });

  it('follows the page theme', async () => {
    session = await launchChromium();
    const dark = scenarios.find((scenario) => scenario.site === 'claude')?.fixture('variants');
    const light = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
    if (!dark || !light) throw new Error('missing fixtures');
    const darkPage = await open(session, dark);
    await darkPage.driver.waitForHosts(1);
    expect(await darkPage.driver.shadowAttribute(0, '.root', 'data-theme')).toBe('dark');
    const lightPage = await open(session, light);
    await lightPage.driver.waitForHosts(2);
    expect(await lightPage.driver.shadowAttribute(0, '.root', 'data-theme')).toBe('light');
  });
});
