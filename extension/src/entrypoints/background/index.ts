import { browser, defineBackground } from '#imports';
import { getDb } from '../../db/connection.ts';
import { siteAdapters } from '../../sites/index.ts';
import { onMessage } from '../../utils/messaging.ts';
import { readSettings } from '../../utils/settings.ts';
import { wireAnnotatePages } from './annotate-wiring.ts';
import { createAnnotationHandlers } from './annotation-handlers.ts';
import { wireDataDeletion } from './delete-data-wiring.ts';
import { cachedSettings } from './settings-cache.ts';
import { wireSync } from './sync-wiring.ts';

export default defineBackground(() => {
  const settings = cachedSettings(readSettings, (listener) => browser.storage.onChanged.addListener(listener));
  const handlers = createAnnotationHandlers({
    db: getDb(),
    adapters: siteAdapters,
    runtimeId: browser.runtime.id,
    readSettings: settings,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  });
  onMessage('ping', () => ({ version: browser.runtime.getManifest().version }));
  onMessage('getConversationAnnotations', (message) =>
    handlers.getConversationAnnotations(message.data, message.sender),
  );
  onMessage('saveAnnotation', (message) => handlers.saveAnnotation(message.data, message.sender));
  wireAnnotatePages(handlers, settings);
  wireDataDeletion(getDb(), wireSync(getDb()));
  // A first install opens the welcome page (what Margin does, your name, pairing, keys); updates do not.
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/welcome.html') });
  });
});
