import { browser, defineContentScript } from '#imports';
import { ShortcutSheet } from '../../annotate/cheat-sheet.tsx';
import { startHealthReports } from '../../annotate/health-reports.ts';
import { KeyboardShortcuts } from '../../annotate/keyboard.ts';
import { type AnnotatorApi, createPageAnnotator } from '../../annotate/page-annotator.tsx';
import { SelectionAnnotator } from '../../annotate/selection.tsx';
import type { SiteAdapter } from '../../sites/define-site-adapter.ts';
import { allSiteMatches, detectSelfHostedAdapter, siteAdapters } from '../../sites/index.ts';
import type { PageSettings } from '../../utils/annotation-input.ts';
import { onMessage, sendMessage } from '../../utils/messaging.ts';
import { DEFAULT_SHORTCUTS } from '../../utils/shortcuts.ts';

/** How long a self-hosted app's page may take to render something its adapter recognises. */
const DETECT_TIMEOUT_MS = 15_000;

export default defineContentScript({
  matches: allSiteMatches,
  runAt: 'document_idle',
  async main(ctx) {
    // Statically matched sites by host; on an origin the person added (registered at runtime by the
    // background), the self-hosted app whose markup this page has.
    const adapter =
      siteAdapters.find((candidate) => candidate.matches.some((pattern) => matchesHost(pattern))) ??
      (await detectSelfHosted(ctx));
    if (!adapter || !ctx.isValid) return;

    let settings: PageSettings = { rubric: null, shortcuts: DEFAULT_SHORTCUTS };
    const api: AnnotatorApi = {
      load: (site, conversationId) => sendMessage('getConversationAnnotations', { site, conversationId }),
      save: (capture, changes) => sendMessage('saveAnnotation', { capture, changes }),
      compare: (a, b, winner) => sendMessage('saveComparison', { a, b, winner }),
      rubric: () => settings.rubric,
    };

    const annotator = createPageAnnotator(adapter, document, ctx, api);
    const sheet = new ShortcutSheet(document);
    const keyboard = new KeyboardShortcuts(annotator.controls, document, sheet, settings.shortcuts);
    const selection = new SelectionAnnotator(annotator, document, api);

    const loadSettings = () =>
      sendMessage('getPageSettings').then(
        (loaded) => {
          settings = loaded;
          keyboard.setShortcuts(loaded.shortcuts);
        },
        () => undefined,
      );
    await loadSettings();
    if (!ctx.isValid) return;
    annotator.start();

    ctx.addEventListener(window, 'keydown', keyboard.onKeyDown, { capture: true });
    const onStorage = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && ('rubric' in changes || 'shortcuts' in changes)) void loadSettings();
    };
    browser.storage.onChanged.addListener(onStorage);
    ctx.onInvalidated(() => {
      browser.storage.onChanged.removeListener(onStorage);
      sheet.close();
      selection.close();
    });

    ctx.onInvalidated(startHealthReports(annotator, adapter.label, (health) => sendMessage('reportHealth', health)));
    ctx.onInvalidated(onMessage('annotateSelection', (message) => selection.annotate(message.data.text)));
    ctx.onInvalidated(
      onMessage('openLatestControls', () => {
        const latest = annotator.controls.responses().at(-1);
        return { ok: latest ? annotator.controls.run(latest, { type: 'focus' }) : false };
      }),
    );

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

/** Waits (briefly) for a self-hosted app's page to render markup an adapter recognises. */
function detectSelfHosted(ctx: { isValid: boolean }): Promise<SiteAdapter | null> {
  const found = detectSelfHostedAdapter(document);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    let scheduled = false;
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      // An app renders in many batches: look at most every 100 ms.
      setTimeout(() => {
        scheduled = false;
        const adapter = ctx.isValid ? detectSelfHostedAdapter(document) : null;
        if (adapter || !ctx.isValid) {
          observer.disconnect();
          clearTimeout(timeout);
          resolve(adapter);
        }
      }, 100);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    const timeout = setTimeout(() => {
      observer.disconnect();
      resolve(null);
    }, DETECT_TIMEOUT_MS);
  });
}
