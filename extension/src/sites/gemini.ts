import { defineSiteAdapter, namedModel, parseVariantCounter, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Gemini": custom element names and ids from saved pages
// (2025) that gemini-voyager's 2026 code still targets. The draft counter is uncertain after lr26.
const TURN = 'user-query, model-response';
const CONVERSATION_PATH = /^(?:\/u\/\d+)?\/(?:app|gem\/[^/]+)\/([a-z0-9_-]+)/i;
const COPY = '[data-test-id="copy-button"], mat-icon[fonticon="content_copy"]';

export default defineSiteAdapter({
  id: 'gemini',
  label: 'Gemini',
  matches: ['https://gemini.google.com/*'],
  testUrls: [
    'https://gemini.google.com/app/1a2b3c4d5e6f7a8b',
    'https://gemini.google.com/u/1/app/1a2b3c4d5e6f7a8b',
    'https://gemini.google.com/gem/coding-partner/1a2b3c4d5e6f7a8b',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: TURN,
  watchedAttributes: ['aria-disabled', 'aria-busy'],

  role: (element) =>
    element.localName === 'user-query' ? 'user' : element.localName === 'model-response' ? 'assistant' : null,

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('.query-text');
    // Thinking models have a second message-content inside model-thoughts; the answer is outside it.
    for (const content of Array.from(turn.element.querySelectorAll('message-content'))) {
      if (!content.closest('model-thoughts')) return content.querySelector('.markdown') ?? content;
    }
    return null;
  },

  nativeMessageId(turn) {
    for (const content of Array.from(turn.element.querySelectorAll('message-content[id^="message-content-id-"]'))) {
      if (!content.closest('model-thoughts')) return content.id.slice('message-content-id-'.length);
    }
    const container = turn.element.closest('.conversation-container[id]');
    return container ? `r_${container.id}` : null;
  },

  isStreaming(turn) {
    if (turn.element.querySelector('[aria-busy="true"], [role="progressbar"]')) return true;
    const copy = turn.element.querySelector(`message-actions :is(${COPY})`);
    const button = copy?.closest('button');
    return !button || button.getAttribute('aria-disabled') === 'true' || button.hasAttribute('disabled');
  },

  model(_turn, doc) {
    const pill = doc.querySelector('[data-test-id="bard-mode-menu-button"]');
    // The 2026 pill may show the mode on two lines ("Pro" / "2.5"); keep the first.
    const name = textOf(pill?.querySelector('span, div') ?? pill);
    return namedModel(name, 'model-picker');
  },

  anchor: (turn) => turn.element.querySelector('message-actions'),

  variant(turn) {
    const previous = turn.element.querySelector('button[aria-label*="Previous draft" i]');
    return (
      parseVariantCounter(previous?.nextElementSibling?.textContent) ??
      parseVariantCounter(previous?.parentElement?.textContent)
    );
  },

  codeLanguage: (pre) => textOf(pre.closest('code-block')?.querySelector('.code-block-decoration span')),
  skip: (element) => element.classList.contains('code-block-decoration'),
});
