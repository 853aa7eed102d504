import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { CLICKABLE, commonAncestor, follows, variantCounter } from './structure.ts';

// Self-hosted: runs on whatever origin the user adds in the options page (LibreChat's documented Docker
// setup serves it on http://localhost:3080). Selectors and sources: docs/sites.md, "LibreChat", read from the
// app's own source (danny-avila/LibreChat client/src/components/Chat/Messages/ui/MessageRow.tsx,
// HeaderLabel.tsx, SiblingSwitch.tsx, HoverButtons.tsx, Messages/Content/CodeBlock.tsx). Confidence: high.
// Each message is `.message-render[id=<messageId>][role="group"]` holding `.user-turn` or `.agent-turn`;
// the body is `[data-testid="message-body"]`, the label (model, assistant or agent name) the `h2` above it,
// whose hover label is the model when the label is a provider. The footer holds `SiblingSwitch` ("2 / 3")
// and `HoverButtons` (`button.hover-button`: copy, edit, fork, feedback, regenerate); while the latest
// reply is being written a placeholder stands in its place, so those buttons are the finished signal:
// found by their class, else as the footer's buttons after the body that are not the sibling switch's.
const MESSAGE = '.message-render[id]';
const BODY = '[data-testid="message-body"]';
const CONVERSATION_PATH = /^\/c\/([a-z0-9-]+)/i;
const COUNTER = /^\d+\s*\/\s*\d+$/;

/** The footer's action buttons (copy, edit, fork, feedback, regenerate), once the reply is done. */
function hoverButtons(turn: PageTurn): Element | null {
  const own = turn.element.querySelector('button.hover-button');
  if (own) return own.parentElement;
  const body = turn.element.querySelector(BODY);
  const actions = Array.from(turn.element.querySelectorAll(CLICKABLE)).filter(
    (button) => (!body || follows(button, body)) && !nextToCounter(button),
  );
  if (actions.length === 0) return null;
  const row = commonAncestor(actions);
  return row && row !== turn.element && !(body && row.contains(body)) ? row : (actions[0]?.parentElement ?? null);
}

/** The sibling switch's arrows sit beside its "2 / 3": they show while a reply is written too. */
function nextToCounter(button: Element): boolean {
  return Array.from(button.parentElement?.children ?? []).some(
    (sibling) => sibling !== button && COUNTER.test(sibling.textContent?.trim() ?? ''),
  );
}

export default defineSiteAdapter({
  id: 'librechat',
  label: 'LibreChat',
  matches: [],
  selfHosted: true,
  testUrls: [
    'http://localhost:3080/c/9b8a7c6d-0000-4000-8000-000000000001',
    'https://chat.example.org/c/9b8a7c6d-0000-4000-8000-000000000002',
  ],
  conversationId(url) {
    const id = url.pathname.match(CONVERSATION_PATH)?.[1];
    return id && id !== 'new' ? id : null;
  },
  turnSelector: MESSAGE,
  anchors: ['id', 'data-testid'],

  detect: (doc) =>
    doc.querySelector(
      '.message-render [data-testid="message-body"], meta[name="description"][content*="open source chat application with support for multiple AI models"]',
    ) !== null,

  role: (element) =>
    element.querySelector('.agent-turn') ? 'assistant' : element.querySelector('.user-turn') ? 'user' : null,

  content: (turn) => turn.element.querySelector(BODY),

  nativeMessageId: (turn) => turn.element.id || null,

  isStreaming: (turn) => hoverButtons(turn) === null,

  model(turn) {
    const header = turn.element.querySelector('.agent-turn > h2') ?? turn.element.querySelector('h2');
    // With a provider label ("OpenAI"), the model is the hover label that crossfades in.
    const hover = header?.querySelector('[class~="group/label"] > span[aria-hidden="true"]');
    const name = textOf(hover) ?? textOf(header?.querySelector('span.truncate'));
    return namedModel(name, 'message');
  },

  anchor: hoverButtons,

  variant(turn) {
    const counter = Array.from(turn.element.querySelectorAll('span.tabular-nums')).find((span) => !span.closest(BODY));
    return parseVariantCounter(counter?.textContent) ?? variantCounter(turn.element, turn.element.querySelector(BODY));
  },
});
