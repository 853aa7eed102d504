import { defineSiteAdapter, namedModel, parseVariantCounter, textOf } from './define-site-adapter.ts';

// Self-hosted: runs on whatever origin the user adds in the options page (Open WebUI's documented Docker
// setup publishes it on http://localhost:3000). Selectors and sources: docs/sites.md, "Open WebUI", read
// from the app's own source (open-webui/open-webui src/lib/components/chat/Messages/ResponseMessage.svelte
// at d79ba4a, UserMessage.svelte, Name.svelte, CodeBlock.svelte). Confidence: high. Each message is
// `div#message-<id>` (a user's also has `.user-message`); the reply is `.chat-assistant`, its markdown in
// `#response-content-container`, the model's name in the `Name` header above it. The `.buttons` row gets
// its buttons (Edit, Copy `.copy-response-button`, …) only `{#if message.done}`: that is the finished
// signal and the anchor; regenerations show "Previous message" / "i/N" / "Next message" in the same row.
const MESSAGE = 'div[id^="message-"]:not([id^="message-feedback-"])';
const CONVERSATION_PATH = /^\/c\/([a-z0-9-]+)/i;

export default defineSiteAdapter({
  id: 'open-webui',
  label: 'Open WebUI',
  matches: [],
  selfHosted: true,
  testUrls: [
    'http://localhost:3000/c/3f2a1b0c-0000-4000-8000-000000000001',
    'https://chat.example.org/c/3f2a1b0c-0000-4000-8000-000000000002',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: MESSAGE,

  detect: (doc) =>
    doc.querySelector(
      '[id^="message-"] .chat-assistant, .user-message .chat-user, #messages-container, link[href$="/static/custom.css"], script[src$="/static/loader.js"]',
    ) !== null,

  role: (element) =>
    element.classList.contains('user-message') ? 'user' : element.querySelector('.chat-assistant') ? 'assistant' : null,

  turns(doc) {
    return Array.from(doc.querySelectorAll(MESSAGE))
      .map((element) => this.describeTurn(element))
      .filter((turn) => turn.role !== null);
  },

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('.chat-user');
    return (
      turn.element.querySelector('.chat-assistant #response-content-container') ??
      turn.element.querySelector('.chat-assistant')
    );
  },

  nativeMessageId: (turn) => turn.element.id.slice('message-'.length) || null,

  isStreaming: (turn) => !turn.element.querySelector('.buttons .copy-response-button'),

  model(turn) {
    const name = textOf(
      turn.element.querySelector('.chat-assistant')?.parentElement?.previousElementSibling?.querySelector('span'),
    );
    return namedModel(name, 'message');
  },

  anchor: (turn) => turn.element.querySelector('.copy-response-button')?.closest('.buttons') ?? null,

  variant(turn) {
    const previous = turn.element.querySelector('.buttons button[aria-label="Previous message"]');
    return parseVariantCounter(previous?.nextElementSibling?.textContent);
  },

  // A code block's language label sits above its sticky button bar, outside the `pre`.
  skip(element) {
    const bar = element.nextElementSibling;
    return (
      element.classList.contains('absolute') &&
      bar?.classList.contains('sticky') === true &&
      bar.querySelector('.copy-code-button') !== null
    );
  },
});
