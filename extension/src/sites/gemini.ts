import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "Gemini": custom element names and ids from saved pages
// (2025) that gemini-voyager's 2026 code still targets. The draft counter is uncertain after lr26.
const TURN = 'user-query, model-response';
const CONVERSATION_PATH = /^(?:\/u\/\d+)?\/(?:app|gem\/[^/]+)\/([a-z0-9_-]+)/i;
const COPY = '[data-test-id="copy-button"], mat-icon[fonticon="content_copy"]';

/** The answer's `message-content`: thinking models have a second one inside `model-thoughts`. */
function answer(turn: PageTurn): Element | null {
  for (const content of Array.from(turn.element.querySelectorAll('message-content'))) {
    if (!content.closest('model-thoughts')) return content;
  }
  return null;
}

/** `message-actions`, else (renamed) the clickables after the answer; null until the reply is done. */
function actions(turn: PageTurn): Element | null {
  const own = turn.element.querySelector('message-actions');
  if (own) return own;
  const body = answer(turn);
  return body ? actionRowAfter(turn.element, body) : null;
}

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
  anchors: ['data-test-id', 'id', 'fonticon', 'aria-busy', 'aria-disabled', 'disabled'],

  role: (element) =>
    element.localName === 'user-query' ? 'user' : element.localName === 'model-response' ? 'assistant' : null,

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('.query-text') ?? turn.element;
    const content = answer(turn);
    return content?.querySelector('.markdown') ?? content;
  },

  reasoning(turn) {
    return Array.from(turn.element.querySelectorAll('model-thoughts')).map(
      (thoughts) => thoughts.querySelector('message-content') ?? thoughts,
    );
  },

  nativeMessageId(turn) {
    const content = answer(turn);
    if (content?.id.startsWith('message-content-id-')) return content.id.slice('message-content-id-'.length);
    const container = turn.element.closest('.conversation-container[id]');
    return container ? `r_${container.id}` : null;
  },

  isStreaming(turn) {
    if (turn.element.querySelector('[aria-busy="true"], [role="progressbar"]')) return true;
    const bar = actions(turn);
    // Since the May 2026 redesign the copy button may have no test id: its icon names it. Failing both,
    // any enabled button in the bar.
    const copy = bar?.querySelector(COPY)?.closest(CLICKABLE) ?? bar?.querySelector(CLICKABLE);
    return !copy || copy.getAttribute('aria-disabled') === 'true' || copy.hasAttribute('disabled');
  },

  model(_turn, doc) {
    const pill = doc.querySelector('[data-test-id="bard-mode-menu-button"]');
    // The 2026 pill may show the mode on two lines ("Pro" / "2.5"); keep the first.
    const name = textOf(pill?.querySelector('span, div') ?? pill);
    return namedModel(name, 'model-picker');
  },

  anchor: actions,

  variant(turn) {
    const previous = turn.element.querySelector('button[aria-label*="Previous draft" i]');
    return (
      parseVariantCounter(previous?.nextElementSibling?.textContent) ??
      parseVariantCounter(previous?.parentElement?.textContent) ??
      variantCounter(turn.element, answer(turn))
    );
  },

  codeLanguage: (pre) => textOf(pre.closest('code-block')?.querySelector('.code-block-decoration span')),
  skip: (element) => element.classList.contains('code-block-decoration'),
});
