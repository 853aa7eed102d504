import { browser, defineBackground } from '#imports';
import { onMessage } from '../../utils/messaging.ts';

export default defineBackground(() => {
  onMessage('ping', () => ({ version: browser.runtime.getManifest().version }));
});
