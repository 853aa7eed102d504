import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "Grok", checked against revivalstack's saved pages
// grok-dom-2question-ans-pairs.html and grok-dom-5question-ans-pairs.html (2026-03-23). Confidence: medium.
// Each message is `div#response-<uuid>`; `items-end` marks the user's, `items-start` Grok's. No source
// confirms a streaming signal: a response counts as finished once its `.action-buttons` row has buttons
// (Regenerate, Copy, …), which the saved pages show only on finished replies. Expanded thinking is in
// `.thinking-container`, outside the markdown: the reasoning.
const MESSAGE = 'div[id^="response-"]';
const MARKDOWN = '.response-content-markdown';
const CONVERSATION_PATH = /^\/c\/([a-z0-9-]+)/i;

/** The reply's action row once it has buttons; else (class renamed) the clickables after the markdown. */
function actionRow(turn: PageTurn): Element | null {
  const bar = turn.element.querySelector('.action-buttons');
  if (bar) return bar.querySelector(CLICKABLE) ? bar : null;
  const body = turn.element.querySelector(MARKDOWN);
  return body ? actionRowAfter(turn.element, body) : null;
}

export default defineSiteAdapter({
  id: 'grok',
  label: 'Grok',
  matches: ['https://grok.com/*'],
  testUrls: [
    'https://grok.com/c/0d4b3e52-0000-4000-8000-000000000001',
    'https://grok.com/c/0d4b3e52-0000-4000-8000-000000000001?rid=8eb9b53e-8f4f-40b5-94d3-6019ab93ac3f',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: MESSAGE,
  anchors: ['id'],

  role(element) {
    if (element.classList.contains('items-end')) return 'user';
    if (element.classList.contains('items-start')) return 'assistant';
    // The user's bubble has a squared corner (`rounded-br-lg`); only replies think.
    if (element.querySelector('.message-bubble.rounded-br-lg')) return 'user';
    return element.querySelector('.thinking-container') ? 'assistant' : null;
  },

  content: (turn) => turn.element.querySelector(MARKDOWN),

  // The summary ("Thought for 6s") is the container's button; expanded thoughts are its text.
  reasoning: (turn) => Array.from(turn.element.querySelectorAll('.thinking-container')),

  nativeMessageId: (turn) => turn.element.id.slice('response-'.length) || null,

  isStreaming: (turn) => actionRow(turn) === null,

  model(_turn, doc) {
    // The composer's mode ("Expert", "Fast"), not a model version: the page shows nothing more precise.
    const name = textOf(doc.querySelector('#model-select-trigger'));
    return namedModel(name, 'model-picker');
  },

  anchor: actionRow,

  variant(turn) {
    const row = actionRow(turn);
    const previous = row?.querySelector('button[aria-label="Previous message"]');
    return (
      parseVariantCounter(previous?.nextElementSibling?.textContent) ??
      (row ? variantCounter(row, turn.element.querySelector(MARKDOWN)) : null)
    );
  },

  // Code blocks: `[data-testid="code-block"]` with the language in a monospace label above the `pre`.
  codeLanguage: (pre) => textOf(pre.closest('[data-testid="code-block"]')?.querySelector('span.font-mono.select-none')),
  skip: (element) =>
    element.matches('span.font-mono.select-none') && element.closest('[data-testid="code-block"]') !== null,
  // Inline code is a styled `span` (`!font-mono`), not `code`.
  isInlineCode: (element) =>
    element.localName === 'span' && element.classList.contains('!font-mono') && !element.closest('pre'),
});
