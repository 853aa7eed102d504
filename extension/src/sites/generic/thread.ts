import { CLICKABLE } from '../structure.ts';

/**
 * Finding a conversation in a chat page Margin has no adapter for, from structure alone
 * (docs/capture.md, "The generic adapter"): the thread is the element whose children are the most
 * repeated, text-bearing blocks of the main area (not navigation, headers or the composer); a block
 * holding a question and its answer side by side (in every block, or nearly) is split in two.
 */

/** Landmarks that are never the conversation: site chrome and the composer. */
const CHROME = 'nav, header, footer, aside, form, [role="navigation"], [role="banner"], [role="contentinfo"]';
/** Markdown's own elements: their siblings are paragraphs of one message, never messages. */
const MARKDOWN_TAGS = new Set([
  'p',
  'ul',
  'ol',
  'li',
  'pre',
  'code',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
  'blockquote',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'span',
  'strong',
  'em',
  'a',
  'br',
  'hr',
]);
/** Where the person types: the block holding it is the composer, not a message. */
const COMPOSER = 'textarea, [contenteditable="true"], [contenteditable=""], [role="textbox"], input[type="text"]';
const SKIPPED_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'button',
  'textarea',
  'input',
  'select',
]);

/** The words a person can read in `element`: no buttons, icons, hidden text or site chrome. */
export function visibleText(element: Element): string {
  let text = '';
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3) text += child.textContent ?? '';
    else if (child.nodeType === 1 && isVisibleContent(child as Element)) text += ` ${visibleText(child as Element)}`;
  }
  return text.replace(/\s+/g, ' ').trim();
}

function isVisibleContent(element: Element): boolean {
  if (SKIPPED_TAGS.has(element.localName) || element.matches(CLICKABLE)) return false;
  if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return false;
  return !/\b(?:sr-only|visually-hidden)\b/.test(element.getAttribute('class') ?? '');
}

/** Words that name site chrome in a tag, id or class (`ms-navbar`, `sidebar`, `chat-header`). */
const CHROME_WORDS = /(?:^|[^a-z])(?:nav|navbar|sidebar|topbar|header|footer|menu|menubar|toolbar|banner)(?:$|[^a-z])/i;

/** Navigation, headers, menus and the composer: never a message. */
export function isChrome(element: Element): boolean {
  if (element.matches(CHROME)) return true;
  const names = `${element.localName} ${element.id} ${element.getAttribute('class') ?? ''}`;
  return CHROME_WORDS.test(names);
}

/** The children of `element` that show words, in order (site chrome such as `nav` left out). */
export function textChildren(element: Element): Element[] {
  return Array.from(element.children).filter(
    (child) => isVisibleContent(child) && !isChrome(child) && visibleText(child) !== '',
  );
}

/**
 * Down through wrappers whose words are all in a single child (stopping where the element has words
 * of its own beside it, as a paragraph beside its bold part does).
 */
export function descend(element: Element): Element {
  let node = element;
  for (;;) {
    const children = textChildren(node);
    const only = children[0];
    if (children.length !== 1 || !only || visibleText(only).length < visibleText(node).length) return node;
    node = only;
  }
}

/** The conversation found on a page: its container and each turn's element, in order. */
export interface Thread {
  container: Element;
  turns: Element[];
}

/** The thread of the page, or null when nothing on it looks like one (two turns at least). */
export function findThread(doc: Document): Thread | null {
  const root = doc.body;
  if (!root) return null;
  const total = visibleText(root).length;
  let best: { container: Element; blocks: Element[]; score: number } | null = null;
  for (const element of Array.from(root.querySelectorAll('*'))) {
    if (MARKDOWN_TAGS.has(element.localName) || element.closest(CHROME) || element.childElementCount < 2) continue;
    const blocks = textChildren(element).filter(
      (child) => !MARKDOWN_TAGS.has(child.localName) && !child.querySelector(COMPOSER),
    );
    if (blocks.length < 2 || !uniform(blocks)) continue;
    const covered = blocks.reduce((sum, block) => sum + visibleText(block).length, 0);
    // A message's own paragraphs or a list of links is not the thread: the thread holds much of the words.
    if (covered < total * 0.25) continue;
    // Turns are rendered by one component: blocks sharing classes or data attributes are a thread before
    // more numerous blocks that share nothing (a message's header, body and footer).
    const score = (alike(blocks) ? 100_000 : 0) + blocks.length * 1_000 + covered / Math.max(1, total);
    if (!best || score > best.score || (score === best.score && best.container.contains(element))) {
      best = { container: element, blocks, score };
    }
  }
  if (!best) return null;
  return withSiblingGroups(best.container, splitPairs(flattenGroups(best.blocks)));
}

/**
 * Turns rendered like these in the container's siblings (earlier turns in one list, the current ones in
 * the next) belong to the thread too: the container becomes their common parent.
 */
function withSiblingGroups(container: Element, turns: Element[]): Thread {
  const signatures = new Set(turns.map(signature));
  let thread: Thread = { container, turns };
  let self = container;
  // Up to three levels: the lists may each sit in a wrapper of their own.
  for (let depth = 0; depth < 3 && self.parentElement; depth++, self = self.parentElement) {
    const parent = self.parentElement;
    const extra = textChildren(parent)
      .filter((sibling) => sibling !== self)
      .flatMap((sibling) =>
        outermost(
          Array.from(sibling.querySelectorAll('*')).filter(
            (element) => signatures.has(signature(element)) && visibleText(element) !== '',
          ),
        ),
      );
    if (extra.length === 0) continue;
    const all = [...thread.turns, ...extra].sort((a, b) => (a.compareDocumentPosition(b) & 4 ? -1 : 1));
    thread = { container: parent, turns: all };
  }
  return thread;
}

/** The elements of `elements` not inside another of them. */
export function outermost(elements: Element[]): Element[] {
  return elements.filter((element) => !elements.some((other) => other !== element && other.contains(element)));
}

/**
 * The blocks (dividers such as a date line aside) have a class or an attribute in common, or all are
 * bare elements of one tag.
 */
function alike(all: Element[]): boolean {
  const blocks = all.filter((block) => !isDivider(block));
  const first = blocks[0];
  if (!first || blocks.length < 2) return false;
  const classes = Array.from(first.classList).filter((name) => blocks.every((block) => block.classList.contains(name)));
  if (classes.length > 0) return true;
  const data = first
    .getAttributeNames()
    .filter(
      (name) => !/^(?:class|id|style|dir|tabindex)$/.test(name) && blocks.every((block) => block.hasAttribute(name)),
    );
  if (data.length > 0) return true;
  return blocks.every((block) => block.localName === first.localName && block.classList.length === 0);
}

/** A date line or similar between turns: a few words, no sentence. */
function isDivider(block: Element): boolean {
  const text = visibleText(block);
  return text.length <= 20 && !/[.?!:]$/.test(text) && !block.querySelector('p, pre, ul, ol, table');
}

/** Most blocks share a tag: a thread's turns are rendered by one component (two at most). */
function uniform(blocks: Element[]): boolean {
  const tags = new Map<string, number>();
  for (const block of blocks) tags.set(block.localName, (tags.get(block.localName) ?? 0) + 1);
  const top = [...tags.values()].sort((a, b) => b - a);
  return (top[0] ?? 0) + (top[1] ?? 0) >= blocks.length * 0.9;
}

/**
 * Blocks that are groups of turns (earlier turns and the current ones in two lists, a wrapper around
 * the last exchange) are replaced by the turns inside them: their outermost descendants rendered like
 * the other blocks (same tag and classes), when there are two or more.
 */
function flattenGroups(blocks: Element[]): Element[] {
  return blocks.flatMap((block) => {
    const others = new Set(blocks.filter((other) => other !== block).map(signature));
    const inner = Array.from(block.querySelectorAll('*')).filter(
      (element) => others.has(signature(element)) && visibleText(element) !== '',
    );
    const turns = outermost(inner);
    return turns.length >= 2 ? turns : [block];
  });
}

/**
 * A question and its answer in one block (Gemini, Poe, Perplexity): when nearly every block holds two
 * text-bearing parts, those parts are the turns.
 */
function splitPairs(blocks: Element[]): Element[] {
  const parts = blocks.map((block) => textChildren(descend(block)));
  const isPair = (inner: Element[] | undefined) => inner?.length === 2 && !inner.some((part) => isLabel(part));
  // The last block may hold a question whose answer has not started: it is not counted against.
  const paired = parts.filter(isPair).length;
  if (blocks.length < 2 || !isPair(parts[0]) || paired < (blocks.length - 1) * 0.75) return blocks;
  return blocks.flatMap((block, index) => {
    const inner = parts[index] ?? [];
    return inner.length === 2 ? inner : [block];
  });
}

/** A short line naming who wrote a message or when (a header beside the message), not a message. */
export function isLabel(element: Element): boolean {
  const text = visibleText(element);
  if (text.length > 40 || /[.?!:]$/.test(text)) return false;
  return !element.querySelector('pre, ul, ol, table, blockquote') && element.querySelectorAll('p').length <= 1;
}

/** Tag and class names: what a site's component gives every element it renders. */
export function signature(element: Element): string {
  const classes = Array.from(element.classList).sort().join('.');
  return `${element.localName}.${classes}`;
}
