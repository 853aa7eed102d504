import type { SiteAdapter } from './define-site-adapter.ts';
import librechat from './librechat.ts';
import openWebui from './open-webui.ts';

/**
 * Apps people host themselves (Open WebUI, LibreChat): no static match pattern; the options page
 * registers their content script (entrypoints/self-hosted.content.ts) on the origins the user adds.
 * Listed here apart from the registry (index.ts) so that content script carries these adapters only.
 */
export const selfHostedAdapters: readonly SiteAdapter[] = [openWebui, librechat];

/** A self-hosted app recognised on a page, and how many of its messages its adapter finds there. */
export interface SelfHostedMatch {
  adapter: SiteAdapter;
  turns: number;
}

/**
 * The self-hosted app this page belongs to (on a user-added origin), or null when none recognises it.
 * Markers such as `#messages-container` are common to many apps, so when several recognise the page
 * the one whose adapter finds the most messages wins (the first listed on a tie).
 */
export function detectSelfHostedAdapter(doc: Document): SelfHostedMatch | null {
  let best: SelfHostedMatch | null = null;
  for (const adapter of selfHostedAdapters) {
    if (adapter.detect?.(doc) !== true) continue;
    const turns = adapter.turns(doc).filter((turn) => turn.role !== null).length;
    if (!best || turns > best.turns) best = { adapter, turns };
  }
  return best;
}
