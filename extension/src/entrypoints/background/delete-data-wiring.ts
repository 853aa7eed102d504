import { browser } from '#imports';
import type { AppDB } from '../../db/app-db.ts';
import { isExtensionPage } from '../../sync/sender-check.ts';
import type { SyncEngine } from '../../sync/sync-engine.ts';
import { onMessage } from '../../utils/messaging.ts';
import { readSettings } from '../../utils/settings.ts';
import { deleteAllData, summarizeLocalData } from './delete-all-data.ts';

/** The options page's "Delete all Margin data in this browser"; only extension pages may ask. */
export function wireDataDeletion(db: AppDB, sync: SyncEngine): void {
  const pageOrigin = browser.runtime.getURL('/');
  const fromPage = (sender: Parameters<typeof isExtensionPage>[0]) => {
    if (!isExtensionPage(sender, browser.runtime.id, pageOrigin)) throw new Error('only extension pages may do this');
  };
  onMessage('localDataSummary', (message) => {
    fromPage(message.sender);
    return summarizeLocalData(db);
  });
  onMessage('deleteAllData', (message) => {
    fromPage(message.sender);
    return deleteAllData({
      db,
      sync,
      storages: [browser.storage.local, browser.storage.session],
      alarms: browser.alarms,
      scripting: browser.scripting,
      permissions: browser.permissions,
      badge: browser.action,
      selfHostedOrigins: async () => (await readSettings()).selfHostedOrigins,
    });
  });
}
