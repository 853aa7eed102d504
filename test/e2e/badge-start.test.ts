import type { Worker } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMarginClient } from '../../companion/src/client/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { readStore } from './support/annotate-driver.ts';
import { pairThroughOptions, waitUntil } from './support/sync-helpers.ts';

/** The toolbar badge, read in the service worker (found again if Chrome restarted it). */
async function badgeText(session: ChromiumSession): Promise<string> {
  const worker: Worker = session.context.serviceWorkers()[0] ?? (await session.context.waitForEvent('serviceworker'));
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

/** When the extension last finished a sync (its `syncMeta` row), or null. */
async function lastSyncAt(session: ChromiumSession): Promise<number | null> {
  const rows = await readStore<{ key: string; value: { lastSuccessAt?: number | null } }>(
    session.serviceWorker,
    'syncMeta',
  );
  return rows.find((row) => row.key === 'state')?.value.lastSuccessAt ?? null;
}

describe('the toolbar badge after a browser restart (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  let profile: { path: string; remove: () => Promise<void> } | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await profile?.remove();
    profile = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('counts the reviews pending in the companion at start-up, before any sync', async () => {
    companion = await startCompanion();
    profile = await makeTempDir('chromium-profile');
    session = await launchChromium(undefined, { profileDir: profile.path });
    // A day between syncs: the restarted browser has no sync due, so only the start-up path can set the badge.
    await pairThroughOptions(session, companion, 86_400);
    await waitUntil(
      () => lastSyncAt(session as ChromiumSession),
      (at) => at !== null,
      'the first sync',
    );
    // Pairing may start a second sync right after the first: take the time once it has settled.
    let synced = await lastSyncAt(session);
    for (let look = 0; look < 10; look++) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const again = await lastSyncAt(session);
      if (again === synced) break;
      synced = again;
    }
    expect(await badgeText(session)).toBe('');

    const pipeline = createMarginClient({ url: companion.url, token: companion.token });
    await pipeline.createReview({ title: 'Check the refund mail', key: 'e2e-badge-1' });
    await pipeline.createReview({ title: 'Check the invoice', key: 'e2e-badge-2' });
    await session.close();

    session = await launchChromium(undefined, { profileDir: profile.path });
    await waitUntil(
      () => badgeText(session as ChromiumSession),
      (text) => text === '2',
      'badge "2" at start-up',
    );
    // No sync ran in the restarted browser: the badge came from the start-up path.
    expect(await lastSyncAt(session)).toBe(synced);
  });
});
