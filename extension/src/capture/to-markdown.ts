import { codeBlockLanguage } from './code-language.ts';
import { codeBlocks, hasPreWrap, isHidden, type MarkdownOptions, SKIPPED_TAGS } from './markdown-rules.ts';
import { COUNTED_AS, type Placeholder, placeholderText, standardPlaceholder } from './placeholders.ts';

export type { MarkdownOptions } from './markdown-rules.ts';

const BLOCK_TAGS = new Set([
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'aside',
  'figure',
  'figcaption',
  'details',
  'summary',
  'body',
  'p',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

const NUL = '\u0000';

interface State {
  options: MarkdownOptions;
  /** Code block bodies, kept out of whitespace normalisation and put back at the end. */
  verbatim: string[];
  preWrap: boolean;
  /** Each code block's language, read before rendering because its label may come first. */
  languages: Map<Element, string>;
  /** Code blocks' language labels: chrome, left out of the text. */
  labels: Set<Element>;
}

/**
 * Turns a chat response's DOM into markdown. It reads text and a few attributes (href, class, alt) as
 * data and never parses or renders HTML, so hostile text in a page stays text. What it cannot read
 * (images, files, artifacts, tool output) becomes a placeholder naming it, counted in `omitted`.
 */
export function toMarkdown(root: Element, options: MarkdownOptions = {}): string {
  const state = startState(root, options);
  const raw = renderChildren(root, state);
  return normalize(raw).replace(
    new RegExp(`${NUL}(\\d+)${NUL}`, 'g'),
    (_, index: string) => state.verbatim[Number(index)] ?? '',
  );
}

function startState(root: Element, options: MarkdownOptions): State {
  return { options, verbatim: [], preWrap: hasPreWrap(root), ...codeBlocks(root, options) };
}

function isBlockContainer(element: Element): boolean {
  return BLOCK_TAGS.has(element.localName) || element.localName.includes('-');
}

function renderChildren(element: Element, state: State): string {
  let out = '';
  const dropBlankText = isBlockContainer(element) && !state.preWrap;
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3) {
      const text = child.textContent ?? '';
      if (state.preWrap) out += text;
      else if (text.trim() === '') out += dropBlankText && !betweenInline(child) ? '' : ' ';
      else out += text.replace(/\s+/g, ' ');
    } else if (child.nodeType === 1) {
      out += renderElement(child as Element, state);
    }
  }
  return out;
}

/** Blank text between two inline siblings (`<strong>a</strong> <code>b</code>`) is a real space. */
function betweenInline(text: Node): boolean {
  const inline = (node: Node | null) =>
    node !== null &&
    (node.nodeType === 3 ||
      (node.nodeType === 1 && !isBlockContainer(node as Element) && (node as Element).localName !== 'br'));
  return inline(text.previousSibling) && inline(text.nextSibling);
}

function block(content: string): string {
  const trimmed = content.trim();
  return trimmed ? `\n\n${trimmed}\n\n` : '';
}

function renderElement(element: Element, state: State): string {
  const tag = element.localName;
  if (isHidden(element) || state.labels.has(element) || state.options.skip?.(element)) return '';
  const placeholder = state.options.placeholder?.(element) ?? standardPlaceholder(element);
  if (placeholder === 'decoration') return '';
  if (placeholder) return renderPlaceholder(element, placeholder, state);
  // A `role="button"` is site chrome (DeepSeek's "Copy" and "Download" are `div`s), never the answer.
  if (SKIPPED_TAGS.has(tag) || element.getAttribute('role') === 'button') return '';
  if (state.options.isInlineCode?.(element)) return inlineCode(element.textContent ?? '');
  if (state.options.unwrap?.(element)) return renderChildren(element, state);
  if (!state.preWrap && hasPreWrap(element)) {
    const inner = renderChildren(element, { ...state, preWrap: true });
    return block(inner);
  }
  switch (tag) {
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const text = oneLine(renderChildren(element, state));
      return text ? `\n\n${'#'.repeat(Number(tag[1]))} ${text}\n\n` : '';
    }
    case 'pre':
      return renderCodeBlock(element, state);
    case 'code':
      return inlineCode(element.textContent ?? '');
    case 'strong':
    case 'b':
      return wrapInline(renderChildren(element, state), '**');
    case 'em':
    case 'i':
      return wrapInline(renderChildren(element, state), '*');
    case 'del':
    case 's':
      return wrapInline(renderChildren(element, state), '~~');
    case 'a':
      return renderLink(element, state);
    case 'br':
      return '\n';
    case 'hr':
      return '\n\n---\n\n';
    case 'blockquote': {
      const inner = normalize(renderChildren(element, state));
      return inner ? block(inner.replace(/^/gm, '> ').replace(/^> $/gm, '>')) : '';
    }
    case 'ul':
    case 'ol':
      return renderList(element, state);
    case 'table':
      return renderTable(element, state);
    default: {
      const inner = renderChildren(element, state);
      return isBlockContainer(element) ? block(inner) : inner;
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function wrapInline(text: string, marker: string): string {
  const trimmed = text.trim();
  if (!trimmed) return text;
  const lead = text.startsWith(' ') ? ' ' : '';
  const trail = text.endsWith(' ') ? ' ' : '';
  return `${lead}${marker}${trimmed}${marker}${trail}`;
}

function inlineCode(text: string): string {
  const body = text.replace(/\n/g, ' ');
  if (!body) return '';
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function safeUrl(value: string | null, base: string): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function renderLink(element: Element, state: State): string {
  const text = renderChildren(element, state);
  const href = safeUrl(element.getAttribute('href'), element.ownerDocument?.baseURI ?? 'about:blank');
  const label = oneLine(text);
  if (!href || !label) return text;
  return `[${label.replace(/[[\]]/g, '\\$&')}](${href.replace(/[()\s]/g, encodeURIComponent)})`;
}

/** A placeholder where an unreadable thing was: inline for an image, a block of its own otherwise. */
function renderPlaceholder(element: Element, placeholder: Placeholder, state: State): string {
  if (state.options.omitted) state.options.omitted[COUNTED_AS[placeholder.kind]] += 1;
  const text = placeholderText(placeholder);
  return placeholder.kind === 'image' && !isBlockContainer(element) ? text : block(text);
}

function renderCodeBlock(pre: Element, state: State): string {
  const code = pre.querySelector('code');
  const body = (code ? (code.textContent ?? '') : codeText(pre, state)).replace(/\n$/, '');
  const longestRun = Math.max(0, ...(body.match(/^`{3,}/gm) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const language = state.languages.get(pre) ?? codeBlockLanguage(pre, state.options.codeLanguage).language;
  state.verbatim.push(`${fence}${language}\n${body}\n${fence}`);
  return `\n\n${NUL}${state.verbatim.length - 1}${NUL}\n\n`;
}

/** The text of a `pre` without `code` (DeepSeek), leaving out a label or buttons inside it. */
function codeText(pre: Element, state: State): string {
  let text = '';
  for (const child of Array.from(pre.childNodes)) {
    if (child.nodeType === 3) text += child.textContent ?? '';
    else if (child.nodeType === 1) {
      const element = child as Element;
      if (state.labels.has(element) || SKIPPED_TAGS.has(element.localName) || state.options.skip?.(element)) continue;
      if (element.getAttribute('role') === 'button') continue;
      text += codeText(element, state);
    }
  }
  return text;
}

/** `element`'s children, with unwrapped wrappers replaced by their own children. */
function childrenThrough(element: Element, state: State): Element[] {
  return Array.from(element.children).flatMap((child) =>
    state.options.unwrap?.(child) ? childrenThrough(child, state) : [child],
  );
}

function renderList(list: Element, state: State): string {
  const ordered = list.localName === 'ol';
  let number = Number(list.getAttribute('start') ?? '1');
  if (!Number.isFinite(number)) number = 1;
  const items: string[] = [];
  for (const item of childrenThrough(list, state)) {
    if (item.localName !== 'li' || isHidden(item)) continue;
    const marker = ordered ? `${number}.` : '-';
    number += 1;
    const content = normalize(renderChildren(item, state)).replace(/\n{2,}/g, '\n');
    const indent = ' '.repeat(marker.length + 1);
    items.push(`${marker} ${content.replace(/\n/g, `\n${indent}`)}`.trimEnd());
  }
  return items.length > 0 ? `\n\n${items.join('\n')}\n\n` : '';
}

function renderTable(table: Element, state: State): string {
  const rows: string[][] = [];
  for (const row of Array.from(table.querySelectorAll('tr'))) {
    if (row.closest('table') !== table) continue;
    const cells = childrenThrough(row, state).filter((cell) => cell.localName === 'td' || cell.localName === 'th');
    rows.push(cells.map((cell) => oneLine(normalize(renderChildren(cell, state))).replace(/\|/g, '\\|')));
  }
  const header = rows[0];
  if (!header) return '';
  const width = Math.max(...rows.map((row) => row.length));
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, index) => row[index] ?? '').join(' | ')} |`;
  const separator = `| ${Array.from({ length: width }, () => '---').join(' | ')} |`;
  return `\n\n${[line(header), separator, ...rows.slice(1).map(line)].join('\n')}\n\n`;
}

/** Trims each line's end, drops blank runs, and trims the whole. Code bodies are placeholders here. */
function normalize(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
