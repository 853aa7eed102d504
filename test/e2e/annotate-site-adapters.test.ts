import type { Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { completenessMetadata } from '../../shared/index.ts';
import type { SiteFixture } from '../extension/site-fixtures.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { adapterScenarios } from './support/adapter-scenarios.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';

// Every built-in site but ChatGPT, Claude and Gemini, each fixture served at the site's real URL. One
// browser per site (each test resets what it touched), so the file stays within a few minutes. The
// full set of controls (score, comment, tags, better response, reload) is site-independent and covered
// by annotate-chromium.test.ts; here each site must get exactly one set of controls per finished reply,
// store what its expected.json captures, and keep that through streaming, remounts and new chats.
// Open WebUI and LibreChat need a user-added origin: their e2e lives with the custom-origin flow.

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

/** Empties the annotations store between tests that share one browser profile. */
async function clearStoredAnnotations(serviceWorker: Worker): Promise<void> {
  await serviceWorker.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('margin');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('annotations')) {
            db.close();
            resolve();
            return;
          }
          const transaction = db.transaction('annotations', 'readwrite');
          transaction.objectStore('annotations').clear();
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
}

describe.each(adapterScenarios.map((scenario) => [scenario.site, scenario] as const))(
  'annotating on %s (Chromium)',
  (site, scenario) => {
    let session: ChromiumSession;
    beforeAll(async () => {
      session = await launchChromium();
    });
    afterAll(async () => {
      await session?.close();
    });
    afterEach(async () => {
      for (const page of session.context.pages()) await page.close();
      await session.context.unrouteAll({ behavior: 'ignoreErrors' });
      await clearStoredAnnotations(session.serviceWorker);
    });

    it('puts one set of controls on every finished response and stores exactly what expected.json captures', async () => {
      const fixtures = scenario.fixtures.filter((fixture) => finishedCaptures(fixture).length > 0);
      expect(fixtures.length).toBeGreaterThan(0);
      for (const fixture of fixtures) {
        const captures = finishedCaptures(fixture);
        const { page, driver } = await open(session, fixture);
        await driver.waitForHosts(captures.length);
        for (let index = 0; index < captures.length; index++) {
          await driver.click(index, 'button', 'Thumbs up');
          await driver.waitForStatus(index, /^Saved$/);
        }
        const stored = (await readStoredAnnotations(session.serviceWorker)).filter(
          (annotation) => annotation.url === fixture.expected.url,
        );
        expect(stored, fixture.name).toHaveLength(captures.length);
        for (const capture of captures) {
          const annotation = stored.find((candidate) => candidate.messageId === capture.messageId);
          expect(annotation, `${fixture.name}: ${capture.messageId}`).toMatchObject({
            site,
            url: fixture.expected.url,
            conversationId: capture.conversationId,
            messageId: capture.messageId,
            model: capture.model,
            modelSource: capture.modelSource,
            context: capture.context,
            response: capture.response,
            variant: capture.variant,
            thumb: 'up',
          });
          // Schema v2: the reasoning apart from the response, what the page did not let it read in metadata.
          expect(annotation?.reasoning, `${fixture.name}: reasoning`).toBe(capture.reasoning);
          expect(annotation?.metadata, `${fixture.name}: metadata`).toMatchObject(
            completenessMetadata({ ...capture.completeness, unrenderedTurns: capture.missingContextTurns }),
          );
        }
        // Saving re-renders nothing into a second set.
        await page.waitForTimeout(300);
        expect(await driver.hostCount(), fixture.name).toBe(captures.length);
        await page.close();
      }
    });

    it('shows controls on a streaming response only once it finishes, and captures all of it', async () => {
      const fixture = scenario.fixture('streaming');
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(1);
      await page.waitForTimeout(700);
      expect(await driver.hostCount()).toBe(1);
      await page.evaluate(`(${scenario.finishStreaming})(document)`);
      await driver.waitForHosts(2);
      await driver.click(1, 'button', 'Thumbs down');
      await driver.waitForStatus(1, /^Saved$/);
      const [stored] = await readStoredAnnotations(session.serviceWorker);
      expect(stored?.thumb).toBe('down');
      expect(stored?.response).toBe(scenario.finishedResponse);
      expect(stored?.context.at(-1)).toEqual({ role: 'user', content: 'List three more.' });
    });

    it('keeps exactly one set of controls through remounts, re-renders and SPA navigation', async () => {
      const fixture = scenario.fixture('multi-turn');
      const count = finishedCaptures(fixture).length;
      const { page, driver } = await open(session, fixture);
      await driver.waitForHosts(count);

      // Virtualized: the turn leaves the DOM and a fresh copy comes back, as a framework remounts it.
      const remounted = await page.evaluate((selector) => {
        const turn = document.querySelector(selector);
        const parent = turn?.parentElement;
        if (!turn || !parent) return false;
        const next = turn.nextSibling;
        const copy = turn.cloneNode(true) as Element;
        for (const host of Array.from(copy.querySelectorAll('margin-annotator'))) host.remove();
        turn.remove();
        setTimeout(() => parent.insertBefore(copy, next), 100);
        return true;
      }, scenario.firstResponseTurn);
      expect(remounted, `no element matches ${scenario.firstResponseTurn}`).toBe(true);
      await page.waitForTimeout(600);
      await driver.waitForHosts(count);

      // Re-render: the site replaces the element the controls follow.
      await page.evaluate(() => {
        for (const host of Array.from(document.querySelectorAll('margin-annotator'))) {
          const anchor = host.previousElementSibling;
          if (anchor) anchor.replaceWith(anchor.cloneNode(true));
        }
      });
      await page.waitForTimeout(400);
      await driver.waitForHosts(count);

      // SPA navigation to another conversation and back, with the same DOM.
      const conversationId = fixture.expected.conversationId ?? '';
      const other = fixture.expected.url.replace(conversationId, [...conversationId].reverse().join(''));
      expect(other).not.toBe(fixture.expected.url);
      await page.evaluate((url) => history.pushState({}, '', url), other);
      await page.waitForTimeout(1_000);
      await driver.waitForHosts(count);
      await page.evaluate((url) => history.pushState({}, '', url), fixture.expected.url);
      await page.waitForTimeout(1_000);
      await driver.waitForHosts(count);
      expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
    });

    it('waits for a new chat to get its id, then annotates it', async () => {
      const fixture = scenario.fixture('new-chat');
      expect(fixture.expected.conversationId).toBeNull();
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
      expect(stored?.context).toHaveLength(1);
    });
  },
);
