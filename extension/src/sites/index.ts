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

/** Every match pattern of every adapter (each site's content script has its own: entrypoints/<id>.content.ts). */
export const allSiteMatches: string[] = siteAdapters.flatMap((adapter) => adapter.matches);

export { detectSelfHostedAdapter, type SelfHostedMatch, selfHostedAdapters } from './self-hosted.ts';
