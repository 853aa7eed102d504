import { defineContentScript } from '#imports';
import { waitForSelfHostedApp } from '../../annotate/self-hosted-app.ts';
import { startAnnotating } from '../../annotate/start-annotating.ts';
import { allSiteMatches, siteAdapters } from '../../sites/index.ts';

export default defineContentScript({
  matches: allSiteMatches,
  runAt: 'document_idle',
  async main(ctx) {
    // Statically matched sites by host; on an origin the person added (registered at runtime by the
    // background), the self-hosted app whose markup this page has.
    const adapter =
      siteAdapters.find((candidate) => candidate.matches.some((pattern) => matchesHost(pattern))) ??
      (await waitForSelfHostedApp(document, ctx));
    if (!adapter || !ctx.isValid) return;
    await startAnnotating(ctx, adapter);
  },
});

/** The adapter whose `https://host/*` pattern names this page's host. */
function matchesHost(pattern: string): boolean {
  return new URL(pattern.replace('/*', '/')).host === location.host;
}
