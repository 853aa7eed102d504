import type { SiteAdapter } from '../sites/define-site-adapter.ts';
import { createGenericAdapter } from '../sites/generic/generic-adapter.ts';

/** Finding a thread reads the whole page: at most this often while it renders. */
const LOOK_EVERY_MS = 500;

/**
 * The generic adapter for this page once it shows a conversation (two turns at least). A new chat has
 * none yet: the wait lasts until it has, since there is nothing to annotate before.
 */
export function waitForGenericThread(doc: Document, ctx: { readonly isValid: boolean }): Promise<SiteAdapter | null> {
  const now = createGenericAdapter(doc);
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    let scheduled = false;
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        const adapter = ctx.isValid ? createGenericAdapter(doc) : null;
        if (adapter || !ctx.isValid) {
          observer.disconnect();
          resolve(adapter);
        }
      }, LOOK_EVERY_MS);
    });
    observer.observe(doc.documentElement, { childList: true, subtree: true });
  });
}
