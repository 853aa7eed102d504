import { defineSiteAdapter, hasLater, namedModel, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Google AI Studio" (confidence: medium-low), with the markup of a
// response as exporters of 2025-26 quote it: `ms-chat-turn > .chat-turn-container.model >
// [data-turn-role="Model"] > .turn-content > ms-prompt-chunk > ms-text-chunk > ms-cmark-node`, where
// the Angular renderer wraps nearly every markdown node in another `ms-cmark-node` (read through here
// with `unwrap`), thinking is `ms-thought-chunk`, and code is `ms-code-block` with the language in its
// footer. The action bar is `.actions.hover-or-edit` holding `ms-chat-turn-options` (the controls go
// after the turn's content where it is not rendered). No message id is
// in the DOM (ids are synthesized); the model is the run settings' `ms-model-selector`. Uncertain:
// while a reply streams the composer's Run button shows a spinner (`.stoppable-spinner`) or reads Stop.
const TURN = 'ms-chat-turn';
const CONVERSATION_PATH = /^(?:\/app)?\/prompts\/([A-Za-z0-9_-]+)/;

export default defineSiteAdapter({
  id: 'ai-studio',
  label: 'Google AI Studio',
  matches: ['https://aistudio.google.com/*'],
  testUrls: ['https://aistudio.google.com/prompts/1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV'],
  conversationId(url) {
    const id = url.pathname.match(CONVERSATION_PATH)?.[1];
    // `new_chat` (and `new_image`, …) is the blank prompt before its first run gives it an id.
    return id && !id.startsWith('new_') ? id : null;
  },
  turnSelector: TURN,
  anchors: ['data-turn-role'],

  role: (element) =>
    element.querySelector('[data-turn-role="Model"], .chat-turn-container.model')
      ? 'assistant'
      : element.querySelector('[data-turn-role="User"], .chat-turn-container.user')
        ? 'user'
        : null,

  content: (turn) => turn.element.querySelector('.turn-content') ?? turn.element,

  reasoning: (turn) => Array.from(turn.element.querySelectorAll('ms-thought-chunk')),

  isStreaming(turn, doc) {
    // Only the last turn can still be generating; the turn options may be rendered on hover only.
    if (hasLater(turn.element, TURN)) return false;
    return doc.querySelector('button.run-button .stoppable-spinner, button.run-button[aria-label*="Stop" i]') !== null;
  },

  model(_turn, doc) {
    const selector = doc.querySelector('ms-model-selector-v3 button, ms-model-selector button');
    const name = textOf(selector?.querySelector('[class*="title"]') ?? selector);
    return namedModel(name, 'model-picker');
  },

  anchor: (turn) =>
    turn.element.querySelector('ms-chat-turn-options')?.closest('.actions') ??
    turn.element.querySelector('.actions-container') ??
    turn.element.querySelector('.turn-content'),

  codeLanguage: (pre) => textOf(pre.closest('ms-code-block')?.querySelector('footer .language')),
  // A code block's footer (copy, download, "Use code with caution", language), and the "Thoughts"
  // panel's header.
  skip: (element) =>
    (element.localName === 'footer' && element.closest('ms-code-block') !== null) ||
    element.localName === 'mat-expansion-panel-header',
  unwrap: (element) => element.localName === 'ms-cmark-node',
});
