import { defineContentScript } from '#imports';
import { PageAnnotator } from '../../annotate/page-annotator.tsx';
import { allSiteMatches, siteAdapters } from '../../sites/index.ts';
import { sendMessage } from '../../utils/messaging.ts';

export default defineContentScript({
  matches: allSiteMatches,
  runAt: 'document_idle',
  main(ctx) {
    const adapter = siteAdapters.find((candidate) => candidate.matches.some((pattern) => matchesHost(pattern)));
    if (!adapter) return;
    const annotator = new PageAnnotator(adapter, document, ctx, {
      load: (site, conversationId) => sendMessage('getConversationAnnotations', { site, conversationId }),
      save: (capture, changes) => sendMessage('saveAnnotation', { capture, changes }),
    });
    annotator.start();
    // WXT fires this from the Navigation API's `navigate` event, before the new URL is committed:
    // read the location once it has been (and again later, for slower traversals).
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      ctx.setTimeout(() => annotator.checkLocation(), 0);
      ctx.setTimeout(() => annotator.checkLocation(), 500);
    });
  },
});

/** The adapter whose `https://host/*` pattern names this page's host. */
function matchesHost(pattern: string): boolean {
  return new URL(pattern.replace('/*', '/')).host === location.host;
}
