import { defineSiteAdapter, namedModel, type PageTurn, textOf } from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, commonAncestor } from './structure.ts';

// Selectors and sources: docs/sites.md, "Microsoft Copilot", built from revivalstack's saved
// page copilot-dom-2question-ans-pairs.html (2026-03-20): data-content and data-testid first. Confidence:
// high for the DOM, low for "done": no source shows a streaming signal, so a response counts as finished
// once its reactions bar holds the copy button. No variant navigation was observed (only a Regenerate
// popover), and no per-message model: the composer's mode button ("Smart") is what the page shows.
const AI = '[data-content="ai-message"]';
const USER = '[role="article"][id$="-user-message"]';
const CONVERSATION_PATH = /^\/chats\/([A-Za-z0-9_-]+)/;
const CONTENT_ID = /^(.+)-content-\d+$/;

/** The response's content items (`<id>-content-0`, `-1`, …), in order. */
function contentItems(turn: PageTurn): Element[] {
  return Array.from(turn.element.querySelectorAll('[id*="-content-"]')).filter((item) => CONTENT_ID.test(item.id));
}

/** The reactions bar once it holds the copy button; else (renamed) the clickables after the reply. */
function reactions(turn: PageTurn): Element | null {
  const copy = turn.element.querySelector('[data-testid="copy-ai-message-button"]');
  if (copy) return copy.closest('[data-testid="message-item-reactions"]') ?? copy.parentElement;
  if (turn.element.querySelector('[data-testid="message-item-reactions"]')) return null;
  const items = contentItems(turn);
  const last = items.at(-1);
  const row = last ? actionRowAfter(turn.element, last) : null;
  return row && row.querySelectorAll(CLICKABLE).length >= 2 ? row : null;
}

/** A code block's header label ("python", or "Code" when it has no language), found near its `pre`. */
function codeLabel(pre: Element): Element | null {
  let node = pre.parentElement;
  for (let depth = 0; node && depth < 4; depth++, node = node.parentElement) {
    const label = node.querySelector('span.capitalize');
    if (label && !label.closest('pre')) return label;
  }
  return null;
}

export default defineSiteAdapter({
  id: 'copilot',
  label: 'Microsoft Copilot',
  // The app moved from copilot.microsoft.com to www.copilot.com in 2026-03; both still serve chats.
  matches: ['https://copilot.microsoft.com/*', 'https://www.copilot.com/*'],
  testUrls: [
    'https://www.copilot.com/chats/1wdhbpr2TwPnaJC6YMdbH',
    'https://copilot.microsoft.com/chats/1wdhbpr2TwPnaJC6YMdbH',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: `${AI}, ${USER}`,
  anchors: ['data-content', 'data-testid', 'id', 'aria-labelledby', 'role'],

  role: (element) => (element.matches(AI) ? 'assistant' : element.matches(USER) ? 'user' : null),

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('[data-content="user-message"]');
    const items = contentItems(turn);
    // Several items (text around a tool or image card) share one column; read them together.
    if (items.length > 1) return commonAncestor(items);
    return items[0] ?? null;
  },

  nativeMessageId(turn) {
    if (turn.role === 'user') return turn.element.id.replace(/-user-message$/, '') || null;
    const author = turn.element.getAttribute('aria-labelledby')?.match(/(\S+)-author\b/)?.[1];
    return author ?? contentItems(turn)[0]?.id.match(CONTENT_ID)?.[1] ?? null;
  },

  isStreaming: (turn) => reactions(turn) === null,

  model(_turn, doc) {
    const mode = doc.querySelector('[data-testid^="composer-chat-mode-"]');
    const name = mode?.getAttribute('title')?.trim() || textOf(mode);
    return namedModel(name, 'model-picker');
  },

  anchor: reactions,

  codeLanguage(pre) {
    const label = textOf(codeLabel(pre));
    // Copilot labels a block without a language "Code".
    return label && label.toLowerCase() !== 'code' ? label : null;
  },

  skip(element) {
    if (!element.matches('span.capitalize')) return false;
    let node = element.parentElement;
    for (let depth = 0; node && depth < 4; depth++, node = node.parentElement) {
      const pre = node.querySelector('pre');
      if (pre) return codeLabel(pre) === element;
    }
    return false;
  },
});
