import { defineSiteAdapter, hasLater, type PageTurn, textOf } from './define-site-adapter.ts';
import { actionRowAfter } from './structure.ts';

// Selectors and sources: docs/sites.md, "Mistral Le Chat" (confidence: medium-low, no saved page): messages are
// `[data-message-author-role][data-message-id]`; the answer is `[data-message-part-type="answer"]`
// (reasoning is a separate `[data-message-part-type="reasoning"]` part), the user's text `.select-text`.
// The action row (ending in "Copy to clipboard") is the assistant message's last child's last child's
// last child, as CodeWebChat's Le Chat driver finds it; it appears once the answer is finished, and the
// composer's "Stop generating" button shows while the last answer streams. Code blocks are
// `[data-testid="code-block"]` with a `span.text-xs` language label. The model is not shown per message,
// and no variant counter is documented.
const TURN = '[data-message-author-role][data-message-id]';
const ASSISTANT = '[data-message-author-role="assistant"]';
const ANSWER = '[data-message-part-type="answer"]';
const CODE_BLOCK = '[data-testid="code-block"]';
const CONVERSATION_PATH = /^\/chat\/([a-z0-9-]+)/i;

/**
 * The message's own "Copy to clipboard" row (not a code block's); where that label is another language,
 * the clickables after the answer.
 */
function actionRow(turn: PageTurn): Element | null {
  const copy = Array.from(turn.element.querySelectorAll('button[aria-label="Copy to clipboard"]')).find(
    (button) => !button.closest(`${CODE_BLOCK}, ${ANSWER}`),
  );
  if (copy) return copy.parentElement;
  const answers = turn.element.querySelectorAll(ANSWER);
  const last = answers[answers.length - 1];
  return last ? actionRowAfter(turn.element, last) : null;
}

export default defineSiteAdapter({
  id: 'mistral',
  label: 'Mistral Le Chat',
  matches: ['https://chat.mistral.ai/*'],
  testUrls: ['https://chat.mistral.ai/chat/8f1c2d3e-0000-4000-8000-000000000001'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: TURN,
  anchors: ['data-message-author-role', 'data-message-id', 'data-message-part-type', 'data-testid'],

  role(element) {
    const role = element.getAttribute('data-message-author-role');
    return role === 'user' || role === 'assistant' ? role : null;
  },

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('.select-text');
    const answers = turn.element.querySelectorAll(ANSWER);
    // Tool calls can split one reply into several answer parts; their column holds them all.
    if (answers.length > 1) return answers[0]?.parentElement ?? null;
    return answers[0] ?? null;
  },

  reasoning: (turn) => Array.from(turn.element.querySelectorAll('[data-message-part-type="reasoning"]')),

  nativeMessageId: (turn) => turn.element.getAttribute('data-message-id'),

  isStreaming(turn, doc) {
    if (!actionRow(turn)) return true;
    if (hasLater(turn.element, ASSISTANT)) return false;
    return doc.querySelector('button[aria-label="Stop generating"]') !== null;
  },

  anchor: actionRow,

  codeLanguage: (pre) => textOf(pre.closest(CODE_BLOCK)?.querySelector('span.text-xs')),
  skip: (element) => element.matches('span.text-xs') && element.closest(CODE_BLOCK) !== null && !element.closest('pre'),
});
