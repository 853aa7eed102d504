import aiStudio from './ai-studio.ts';
import chatgpt from './chatgpt.ts';
import claude from './claude.ts';
import copilot from './copilot.ts';
import deepseek from './deepseek.ts';
import type { SiteAdapter } from './define-site-adapter.ts';
import gemini from './gemini.ts';
import grok from './grok.ts';
import huggingchat from './huggingchat.ts';
import librechat from './librechat.ts';
import mistral from './mistral.ts';
import openWebui from './open-webui.ts';
import perplexity from './perplexity.ts';
import poe from './poe.ts';

/** Every supported site. Adding one: a file here, one line in this list, and a fixture folder. */
export const siteAdapters: readonly SiteAdapter[] = [
  chatgpt,
  claude,
  gemini,
  copilot,
  grok,
  perplexity,
  deepseek,
  mistral,
  poe,
  huggingchat,
  aiStudio,
  openWebui,
  librechat,
];

/** Every match pattern of every adapter, for the content script's manifest entry. */
export const allSiteMatches: string[] = siteAdapters.flatMap((adapter) => adapter.matches);

/**
 * Apps people host themselves (Open WebUI, LibreChat): no static match pattern; the options page
 * registers the content script on the origins the user adds.
 */
export const selfHostedAdapters: readonly SiteAdapter[] = siteAdapters.filter((adapter) => adapter.selfHosted);

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
