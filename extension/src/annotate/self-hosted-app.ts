import type { SiteAdapter } from '../sites/define-site-adapter.ts';
import { detectSelfHostedAdapter } from '../sites/self-hosted.ts';

/** How long a self-hosted app's page may take to render something an adapter recognises. */
const DETECT_TIMEOUT_MS = 15_000;
/** An app renders in many batches: look at most this often. */
const DETECT_EVERY_MS = 100;

/**
 * The self-hosted app (Open WebUI, LibreChat) of a page on an origin the person added. Apps share
 * generic markers (`#messages-container`), so while the page shows no message a recognised app is only
 * a guess: the wait goes on until an adapter finds messages, and the one that finds the most wins.
 * Nothing recognised within DETECT_TIMEOUT_MS: null. Recognised but empty (a new chat): it waits for
 * the first message, however long that takes (a new chat has nothing to annotate before).
 */
export function waitForSelfHostedApp(doc: Document, ctx: { readonly isValid: boolean }): Promise<SiteAdapter | null> {
  const now = detectSelfHostedAdapter(doc);
  if (now && now.turns > 0) return Promise.resolve(now.adapter);
  return new Promise((resolve) => {
    let scheduled = false;
    const finish = (adapter: SiteAdapter | null) => {
      observer.disconnect();
      clearTimeout(timeout);
      resolve(adapter);
    };
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        if (!ctx.isValid) return finish(null);
        const found = detectSelfHostedAdapter(doc);
        if (found && found.turns > 0) finish(found.adapter);
      }, DETECT_EVERY_MS);
    });
    observer.observe(doc.documentElement, { childList: true, subtree: true });
    const timeout = setTimeout(() => {
      if (!ctx.isValid || !detectSelfHostedAdapter(doc)) finish(null);
    }, DETECT_TIMEOUT_MS);
  });
}
