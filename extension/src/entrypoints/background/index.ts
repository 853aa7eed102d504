import { browser, defineBackground } from '#imports';
import { siteAdapters } from '../../sites/index.ts';
import { getDb } from '../../utils/db/db.ts';
import { onMessage } from '../../utils/messaging.ts';
import { readSettings } from '../../utils/settings.ts';
import { createAnnotationHandlers } from './annotation-handlers.ts';
import { wireSync } from './sync-wiring.ts';

export default defineBackground(() => {
  const handlers = createAnnotationHandlers({
    db: getDb(),
    adapters: siteAdapters,
    runtimeId: browser.runtime.id,
    readSettings,
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  });
  onMessage('ping', () => ({ version: browser.runtime.getManifest().version }));
  onMessage('getConversationAnnotations', (message) =>
    handlers.getConversationAnnotations(message.data, message.sender),
  );
  onMessage('saveAnnotation', (message) => handlers.saveAnnotation(message.data, message.sender));
  wireSync(getDb());
});
