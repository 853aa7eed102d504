import { defineSiteAdapter, namedModel, parseVariantCounter, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Grok", checked against revivalstack's saved pages
// grok-dom-2question-ans-pairs.html and grok-dom-5question-ans-pairs.html (2026-03-23). Confidence: medium.
// Each message is `div#response-<uuid>`; `items-end` marks the user's, `items-start` Grok's. No source
// confirms a streaming signal: a response counts as finished once its `.action-buttons` row has buttons
// (Regenerate, Copy, …), which the saved pages show only on finished replies.
const MESSAGE = 'div[id^="response-"]';
const CONVERSATION_PATH = /^\/c\/([a-z0-9-]+)/i;

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

  role: (element) =>
    element.classList.contains('items-end') ? 'user' : element.classList.contains('items-start') ? 'assistant' : null,

  // The thinking summary ("Thought for 6s") sits in `.thinking-container`, outside the markdown.
  content: (turn) => turn.element.querySelector('.response-content-markdown'),

  nativeMessageId: (turn) => turn.element.id.slice('response-'.length) || null,

  isStreaming: (turn) => !turn.element.querySelector('.action-buttons button'),

  model(_turn, doc) {
    // The composer's mode ("Expert", "Fast"), not a model version: the page shows nothing more precise.
    const name = textOf(doc.querySelector('#model-select-trigger'));
    return namedModel(name, 'model-picker');
  },

  anchor(turn) {
    const bar = turn.element.querySelector('.action-buttons');
    return bar?.querySelector('button') ? bar : null;
  },

  variant(turn) {
    const previous = turn.element.querySelector('.action-buttons button[aria-label="Previous message"]');
    return parseVariantCounter(previous?.nextElementSibling?.textContent);
  },

  // Code blocks: `[data-testid="code-block"]` with the language in a monospace label above the `pre`.
  codeLanguage: (pre) => textOf(pre.closest('[data-testid="code-block"]')?.querySelector('span.font-mono.select-none')),
  skip: (element) =>
    element.matches('span.font-mono.select-none') && element.closest('[data-testid="code-block"]') !== null,
  // Inline code is a styled `span` (`!font-mono`), not `code`.
  isInlineCode: (element) =>
    element.localName === 'span' && element.classList.contains('!font-mono') && !element.closest('pre'),
});
