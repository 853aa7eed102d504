import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import { hasText } from './has-text.ts';
import type { MarkdownOptions } from './markdown-rules.ts';

/**
 * How a site's turns are read, for the reader (capture-response.ts, in the capture script) and for the
 * words check the content script makes on every finished response (`turnHasText`).
 */

/** Whether `readTurn` would find any text, without reading it (see `hasText`). */
export function turnHasText(adapter: SiteAdapter, turn: PageTurn): boolean {
  const content = adapter.content(turn);
  return content !== null && hasText(content, contentRules(adapter, turn));
}

/** The rules for reading a turn's content: the site's, and its reasoning left out of the response. */
export function contentRules(adapter: SiteAdapter, turn: PageTurn): MarkdownOptions {
  const reasoning = new Set(turn.role === 'assistant' ? (adapter.reasoning?.(turn) ?? []) : []);
  return { ...markdownRules(adapter), skip: (element) => reasoning.has(element) || adapter.skip?.(element) === true };
}

/** The site's rules for reading markdown. */
export function markdownRules(adapter: SiteAdapter): MarkdownOptions {
  return {
    skip: adapter.skip?.bind(adapter),
    codeLanguage: adapter.codeLanguage?.bind(adapter),
    isInlineCode: adapter.isInlineCode?.bind(adapter),
    unwrap: adapter.unwrap?.bind(adapter),
    placeholder: adapter.placeholder?.bind(adapter),
  };
}
