import { browser, type ContentScriptContext } from '#imports';
import { DEFAULT_SHORTCUTS } from '../../../shared/shortcuts.ts';
import { loadCaptureReaderPatiently } from '../capture/capture-loader.ts';
import type { SiteAdapter } from '../sites/define-site-adapter.ts';
import type { PageSettings } from '../utils/annotation-input.ts';
import { onMessage, sendMessage } from '../utils/content-messaging.ts';
import { CheatSheetLoader } from './cheat-sheet-loader.ts';
import type { ConversationBar } from './conversation-bar.tsx';
import { KeyboardShortcuts } from './keyboard.ts';
import { attachControlsRoot } from './mount-controls.ts';
import { type AnnotatorApi, createPageAnnotator } from './page-annotator.tsx';
import { withPanelKitWhenIdle } from './panel-kit-loader.ts';
import { SelectionLoader } from './selection-loader.ts';

/**
 * Everything a chat page gets once its adapter is known: the controls beside each response, keyboard
 * shortcuts and their cheat sheet, "Annotate selection", health reports and the settings they follow.
 * Shared by the content script of the built-in sites and self-hosted apps, and by the generic one.
 */
export async function startAnnotating(ctx: ContentScriptContext, adapter: SiteAdapter): Promise<void> {
  const started = performance.now();
  let settings: PageSettings = { rubric: null, shortcuts: DEFAULT_SHORTCUTS, generic: false };
  const api: AnnotatorApi = {
    load: (site, conversationId) => sendMessage('getConversationAnnotations', { site, conversationId }),
    save: (capture, changes) => sendMessage('saveAnnotation', { capture, changes }),
    compare: (a, b, winner) => sendMessage('saveComparison', { a, b, winner }),
    rubric: () => settings.rubric,
  };

  const annotator = createPageAnnotator(adapter, document, ctx, api);
  const sheet = new CheatSheetLoader(document);
  const keyboard = new KeyboardShortcuts(
    { ...annotator.controls, step: annotator.step },
    document,
    sheet,
    settings.shortcuts,
  );
  const selection = new SelectionLoader(annotator, document, api);

  const loadSettings = () =>
    sendMessage('getPageSettings').then(
      (loaded) => {
        settings = loaded;
        keyboard.setShortcuts(loaded.shortcuts);
      },
      () => undefined,
    );
  // The capture's reader comes with the capture script (capture/capture-loader.ts), asked for beside the
  // settings: the annotator names messages by their text on sites without ids, and saves read it.
  const [, reader] = await Promise.all([loadSettings(), loadCaptureReaderPatiently(ctx)]);
  if (!ctx.isValid || !reader) return;
  annotator.start();
  // The conversation bar and the health reports come with the panel script, once the page is idle:
  // the content script every chat page loads stays small (docs/benchmarks.md, "content script, gzip").
  let conversationBar: ConversationBar | null = null;
  let stopHealthReports: (() => void) | null = null;
  withPanelKitWhenIdle(ctx, (kit) => {
    conversationBar = kit.mountConversationBar(
      document,
      adapter,
      {
        load: (site, conversationId) => sendMessage('getConversationRating', { site, conversationId }),
        save: (input) => sendMessage('saveConversationRating', input),
      },
      attachControlsRoot,
    );
    conversationBar.checkLocation();
    stopHealthReports = kit.startHealthReports(
      annotator,
      adapter.label,
      (health) => sendMessage('reportHealth', health),
      started,
    );
  });
  ctx.onInvalidated(() => {
    conversationBar?.remove();
    stopHealthReports?.();
  });

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

  ctx.onInvalidated(onMessage('annotateSelection', (message) => selection.annotate(message.data.text)));
  ctx.onInvalidated(
    onMessage('openLatestControls', () => {
      const latest = annotator.latest();
      return { ok: latest ? annotator.controls.run(latest, { type: 'focus' }) : false };
    }),
  );

  // WXT fires this from the Navigation API's `navigate` event, before the new URL is committed:
  // read the location once it has been (and again later, for slower traversals).
  ctx.addEventListener(window, 'wxt:locationchange', () => {
    ctx.setTimeout(() => annotator.checkLocation(), 0);
    ctx.setTimeout(() => {
      annotator.checkLocation();
      conversationBar?.checkLocation();
    }, 500);
  });
}
