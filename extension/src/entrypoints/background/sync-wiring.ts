import { browser } from '#imports';
import type { AppDB } from '../../db/app-db.ts';
import { reviewCounts } from '../../sync/companion-api.ts';
import { isExtensionPage, type PageSender } from '../../sync/sender-check.ts';
import { createSyncEngine, type SyncEngine } from '../../sync/sync-engine.ts';
import { onMessage } from '../../utils/messaging.ts';

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
  onMessage('syncNow', (message) => {
    fromPage(message.sender);
    return engine.syncNow();
  });
  void engine.start();
  return engine;
}
