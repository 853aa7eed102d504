import { defineContentScript } from '#imports';
import { waitForSelfHostedApp } from '../annotate/self-hosted-app.ts';
import { startAnnotating } from '../annotate/start-annotating.ts';

// The content script of self-hosted apps (Open WebUI, LibreChat). It is in no manifest entry: the
// background registers it on the origins the person added (background/self-hosted.ts), and it finds
// which app the page is by its markup. It carries those apps' adapters only.
export default defineContentScript({
  matches: [],
  registration: 'runtime',
  runAt: 'document_idle',
  async main(ctx) {
    const adapter = await waitForSelfHostedApp(document, ctx);
    if (!adapter || !ctx.isValid) return;
    await startAnnotating(ctx, adapter);
  },
});
