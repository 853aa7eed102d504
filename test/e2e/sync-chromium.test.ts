import { afterEach, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { readStore, readStoredAnnotations } from './support/annotate-driver.ts';
import {
  companionAnnotations,
  companionStats,
  openFixture,
  pairThroughOptions,
  textOf,
  thumbUp,
  waitUntil,
  watchServiceWorker,
} from './support/sync-helpers.ts';

/** The sync interval for these tests: a setting a person can choose too (Chrome allows 1 s when unpacked). */
const INTERVAL_SECONDS = 1;

function byId(annotations: Annotation[]) {
  return [...annotations].sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('sync between the extension and a real companion (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    if (companion?.pid !== undefined) {
      try {
        process.kill(companion.pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await companion?.dispose();
    companion = undefined;
  });

  it('pairs through the options page, then an annotation made on a chat page arrives at the companion', async () => {
    companion = await startCompanion();
    session = await launchChromium();

    // Failed pairing attempts (wrong token, nothing there, not Margin): test/e2e/options-pairing.test.ts.
    await pairThroughOptions(session, companion, INTERVAL_SECONDS);
    const { driver } = await openFixture(session, 'chatgpt');
    await thumbUp(driver, 0);
    const [stored] = await readStoredAnnotations(session.serviceWorker);
    const arrived = await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 1,
      'the annotation at the companion',
    );
    expect(arrived).toEqual([stored]);

    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text === 'Synced',
      'popup: Synced',
    );
  });

  it('keeps annotating while the companion is stopped, shows it, and delivers everything once it is back', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    await pairThroughOptions(session, companion, INTERVAL_SECONDS);
    const chatgpt = await openFixture(session, 'chatgpt');
    await thumbUp(chatgpt.driver, 0);
    await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 1,
      'first',
    );

    await companion.stop();
    await thumbUp(chatgpt.driver, 1);
    const claude = await openFixture(session, 'claude');
    await thumbUp(claude.driver, 0);
    await thumbUp(claude.driver, 1);

    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text.startsWith('Companion unreachable since'),
      'popup: unreachable',
    );
    expect(await textOf(popup.locator('.sync'))).toContain('3 pending');

    await companion.start();
    const stored = await readStoredAnnotations(session.serviceWorker);
    expect(stored).toHaveLength(4);
    const arrived = await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 4,
      'all four at the companion',
      60_000,
    );
    expect(byId(arrived)).toEqual(byId(stored));
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text === 'Synced',
      'popup: Synced',
    );
  });

  it('loses and duplicates nothing when the service worker is stopped in the middle of a push', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    const worker = await watchServiceWorker(session);
    const options = await pairThroughOptions(session, companion, INTERVAL_SECONDS);
    const chatgpt = await openFixture(session, 'chatgpt');
    await thumbUp(chatgpt.driver, 0);
    await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 1,
      'first',
    );

    // Freeze the companion: connections are still accepted by the kernel, so the next push is sent
    // and waits for an answer that cannot come while the worker is stopped.
    const pid = companion.pid as number;
    process.kill(pid, 'SIGSTOP');
    await thumbUp(chatgpt.driver, 1);
    const claude = await openFixture(session, 'claude');
    await thumbUp(claude.driver, 0);
    await thumbUp(claude.driver, 1);
    // The push is in flight (debounce 0.5 s): the three are still queued.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const queued = await readStore<{ id: string; state: string }>(options, 'outbox');
    expect(queued.filter((entry) => entry.state === 'pending')).toHaveLength(3);

    const stoppedAt = worker.statuses.length;
    await worker.stop();
    // The companion now reads the request the stopped worker sent, and may commit it: an acknowledged
    // push nobody received. The alarm wakes the worker, which pushes again.
    process.kill(pid, 'SIGCONT');

    const arrived = await waitUntil(
      async () => {
        const [list, outbox] = await Promise.all([
          companionAnnotations(companion as CompanionProcess),
          readStore(options, 'outbox'),
        ]);
        return { list, outbox: outbox.length };
      },
      (state) => state.list.length === 4 && state.outbox === 0,
      'all four at the companion and an empty outbox',
      60_000,
    );
    // It was stopped, and something (the alarm, a content script) started it again.
    const after = worker.statuses.slice(stoppedAt);
    expect(after.slice(after.indexOf('stopped'))).toContain('running');
    const stored = await readStore<Annotation>(options, 'annotations');
    expect(byId(arrived.list)).toEqual(byId(stored));
    const stats = await companionStats(companion);
    expect(stats.annotations).toEqual({ live: 4, deleted: 0 });
    // Nothing was stored twice or superseded: every version at the companion is the one the extension holds.
    expect(stats.history).toBe(0);
  });
});
