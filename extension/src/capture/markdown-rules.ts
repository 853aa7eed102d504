import { codeBlockLanguage } from './code-language.ts';
import type { Omitted, Placeholder } from './placeholders.ts';

/**
 * What reading a response to markdown (to-markdown.ts) and asking whether it has any (has-text.ts)
 * both decide the same way: the site's rules, the elements left out, the code blocks' labels. One
 * place, so the two cannot disagree (test/extension/turn-has-text.test.ts checks that they do not).
 */
export interface MarkdownOptions {
  /** Site chrome inside the content (a code block's language label, copy buttons' wrappers) to leave out. */
  skip?: (element: Element) => boolean;
  /** A code block's language when the site shows it outside a `language-*` class. */
  codeLanguage?: (pre: Element) => string | null;
  /** Inline code the site renders as another element (a styled `span`), written as `code`. */
  isInlineCode?: (element: Element) => boolean;
  /** Wrapper elements that stand for nothing (AI Studio's `ms-cmark-node`): read as their children. */
  unwrap?: (element: Element) => boolean;
  /** Site markup that stands for something unreadable (a file card, an artifact, a tool's output). */
  placeholder?: (element: Element) => Placeholder | null;
  /** Filled in: how many of each kind of placeholder the text got. */
  omitted?: Omitted;
}

/** Elements that never hold content a person wrote or read as the answer. */
export const SKIPPED_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'button',
  'svg',
  'select',
  'textarea',
  'input',
  'mat-icon',
  'margin-annotator',
]);

/** Whitespace kept as written (a class or an inline style says so). */
export function hasPreWrap(element: Element): boolean {
  return (
    /\bwhitespace-pre-wrap\b|\bpre-wrap\b/.test(element.getAttribute('class') ?? '') ||
    // Some sites (Grok) set it inline rather than with a utility class.
    /\bwhite-space:\s*pre-wrap\b/.test(element.getAttribute('style') ?? '')
  );
}

/** Hidden from sight: screen-reader text, `aria-hidden`, `hidden`. */
export function isHidden(element: Element): boolean {
  const classes = element.getAttribute('class') ?? '';
  return (
    /\bsr-only\b|\bvisually-hidden\b|\bcdk-visually-hidden\b/.test(classes) ||
    element.getAttribute('aria-hidden') === 'true' ||
    element.hasAttribute('hidden')
  );
}

/**
 * Each code block's language, and the labels that showed them (chrome, left out of the text): read
 * before rendering, because a label may come before its block.
 */
export function codeBlocks(
  root: Element,
  options: MarkdownOptions,
): { languages: Map<Element, string>; labels: Set<Element> } {
  const languages = new Map<Element, string>();
  const labels = new Set<Element>();
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const { language, label } = codeBlockLanguage(pre, options.codeLanguage);
    languages.set(pre, language);
    if (label) labels.add(label);
  }
  return { languages, labels };
}
