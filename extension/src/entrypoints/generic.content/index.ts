import { defineContentScript } from '#imports';
import { waitForGenericThread } from '../../annotate/generic-thread-wait.ts';
import { startAnnotating } from '../../annotate/start-annotating.ts';
import { sendMessage } from '../../utils/content-messaging.ts';

// The generic adapter's content script, kept apart from the sites' one so that one stays small. It is
// in no manifest entry: the background registers it on the origins the person opted in for it
// (background/self-hosted.ts). Its pattern covers the host, any port: the page asks first whether its
// own origin is one of them.
export default defineContentScript({
  matches: [],
  registration: 'runtime',
  runAt: 'document_idle',
  async main(ctx) {
    const settings = await sendMessage('getPageSettings').catch(() => null);
    if (!settings?.generic || !ctx.isValid) return;
    const adapter = await waitForGenericThread(document, ctx);
    if (!adapter || !ctx.isValid) return;
    await startAnnotating(ctx, adapter);
  },
});
