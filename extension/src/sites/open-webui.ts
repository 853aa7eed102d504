import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, follows, textBlock, variantCounter } from './structure.ts';

// Self-hosted: runs on whatever origin the user adds in the options page (Open WebUI's documented Docker
// setup publishes it on http://localhost:3000). Selectors and sources: docs/sites.md, "Open WebUI", read
// from the app's own source (open-webui/open-webui src/lib/components/chat/Messages/ResponseMessage.svelte
// at d79ba4a, UserMessage.svelte, Name.svelte, CodeBlock.svelte). Confidence: high. Each message is
// `div#message-<id>` (a user's also has `.user-message`); the reply is `.chat-assistant`, its markdown in
// `#response-content-container`, the model's name in the `Name` header above it. The `.buttons` row gets
// its buttons (Edit, Copy `.copy-response-button`, …) only `{#if message.done}`: that is the finished
// signal and the anchor; regenerations show "Previous message" / "i/N" / "Next message" in the same row.
// A message that is not the assistant's is the user's, whether or not it has `.user-message` (its
// bubble is read then).
const MESSAGE = 'div[id^="message-"]:not([id^="message-feedback-"])';
const ASSISTANT = '.chat-assistant, #response-content-container, .copy-response-button, .regenerate-response-button';
const CONVERSATION_PATH = /^\/c\/([a-z0-9-]+)/i;

function reply(turn: PageTurn): Element | null {
  return (
    turn.element.querySelector('.chat-assistant #response-content-container') ??
    turn.element.querySelector('#response-content-container, .chat-assistant')
  );
}

/** The `.buttons` row once it has its buttons (`message.done`); else the clickables after the reply. */
function buttonsRow(turn: PageTurn): Element | null {
  const copy = turn.element.querySelector('.copy-response-button');
  if (copy) return copy.closest('.buttons') ?? copy.parentElement;
  const row = turn.element.querySelector('.buttons');
  if (row) return row.querySelector(CLICKABLE) ? row : null;
  const body = reply(turn);
  return body ? actionRowAfter(turn.element, body) : null;
}

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
  anchors: ['id'],

  // Markers of the app's own markup only: `#messages-container` is common to many chat apps.
  detect: (doc) =>
    doc.querySelector(
      '[id^="message-"] .chat-assistant, .user-message .chat-user, #response-content-container, .copy-response-button, .edit-user-message-button, link[href$="/static/custom.css"], script[src$="/static/loader.js"]',
    ) !== null,

  role(element) {
    if (element.querySelector(ASSISTANT)) return 'assistant';
    if (element.classList.contains('user-message') || element.querySelector('.chat-user')) return 'user';
    // A message without the assistant's markup is the user's, if it says anything (not a nested row).
    return element.querySelector(MESSAGE) === null && textOf(element) !== null ? 'user' : null;
  },

  turns(doc) {
    return Array.from(doc.querySelectorAll(MESSAGE))
      .map((element) => this.describeTurn(element))
      .filter((turn) => turn.role !== null);
  },

  content(turn) {
    if (turn.role === 'assistant') return reply(turn);
    return turn.element.querySelector('.chat-user') ?? textBlock(turn.element);
  },

  nativeMessageId: (turn) => turn.element.id.slice('message-'.length) || null,

  isStreaming: (turn) => buttonsRow(turn) === null,

  model(turn) {
    // The `Name` header right above the reply; else the first words before the reply (its name comes
    // before the time).
    const body = turn.element.querySelector('.chat-assistant');
    const header = body?.parentElement?.previousElementSibling?.querySelector('span');
    const before = Array.from(turn.element.querySelectorAll('span')).find(
      (span) => body !== null && follows(body, span) && textOf(span) !== null,
    );
    return namedModel(textOf(header ?? before), 'message');
  },

  anchor: buttonsRow,

  variant(turn) {
    const row = buttonsRow(turn);
    const previous = row?.querySelector('button[aria-label="Previous message"]');
    return parseVariantCounter(previous?.nextElementSibling?.textContent) ?? (row ? variantCounter(row, null) : null);
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
