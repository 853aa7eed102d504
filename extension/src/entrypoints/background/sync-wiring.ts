import { browser } from '#imports';
import type { AppDB } from '../../db/app-db.ts';
import { claimRefused } from '../../sync/claim-refused.ts';
import { pairedCompanion, reviewCounts } from '../../sync/companion-api.ts';
import { isExtensionPage, type PageSender } from '../../sync/sender-check.ts';
import { createSyncEngine, type SyncEngine } from '../../sync/sync-engine.ts';
import { readMeta } from '../../sync/sync-meta.ts';
import { onMessage, type UseSignedInNameResult } from '../../utils/messaging.ts';
import { annotatorNameItem } from '../../utils/settings.ts';
import { wireReviewBadge } from './review-badge.ts';

/**
 * Wires the sync engine to the browser: the alarm, the messages from the options page and the popup.
 * Listeners are registered synchronously, as MV3 requires, before anything is awaited.
 */
export function wireSync(db: AppDB): SyncEngine {
  const engine = createSyncEngine({
    db,
    alarms: browser.alarms,
    // The toolbar badge counts the reviews waiting in the companion's queue (docs/reviews.md).
    afterSuccess: async (client) => {
      const { pending } = await reviewCounts(client.endpoint);
      await browser.action.setBadgeText({ text: pending > 0 ? String(pending) : '' });
    },
  });
  const pageOrigin = browser.runtime.getURL('/');
  const fromPage = (sender: PageSender) => {
    if (!isExtensionPage(sender, browser.runtime.id, pageOrigin)) throw new Error('only extension pages may do this');
  };
  browser.alarms.onAlarm.addListener((alarm) => void engine.handleAlarm(alarm.name));
  onMessage('configureCompanion', (message) => {
    fromPage(message.sender);
    return engine.configure(message.data);
  });
  onMessage('useSignedInName', async (message): Promise<UseSignedInNameResult> => {
    fromPage(message.sender);
    // The name comes from what the server answered (/me), never from the message.
    const [companion, signedIn] = await Promise.all([readMeta(db, 'companion'), readMeta(db, 'signedIn')]);
    const user = signedIn?.team && signedIn.url === companion?.url ? signedIn.user : null;
    if (!user) return { ok: false, error: 'Not signed in to a team server: pair with one in Options first.' };
    await annotatorNameItem.setValue(user.name);
    const report = await claimRefused(db, user.name, new Date());
    engine.requestSoon();
    return { ok: true, name: user.name, ...report };
  });
  onMessage('syncNow', (message) => {
    fromPage(message.sender);
    return engine.syncNow();
  });
  wireReviewBadge({
    paired: () => pairedCompanion(db),
    pendingReviews: (endpoint) => reviewCounts(endpoint),
    setBadgeText: (details) => browser.action.setBadgeText(details),
    onStartup: (listener) => browser.runtime.onStartup.addListener(listener),
    onInstalled: (listener) => browser.runtime.onInstalled.addListener(listener),
  });
  void engine.start();
  return engine;
}
