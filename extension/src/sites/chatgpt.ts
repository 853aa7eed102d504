import {
  defineSiteAdapter,
  hasLater,
  namedModel,
  type PageTurn,
  parseVariantCounter,
  textOf,
} from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, commonAncestor, follows, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "ChatGPT" (2026 saved pages): test ids and data-* first,
// because class names churn and aria labels are localized; structure when they are gone.
const TURN = '[data-testid^="conversation-turn-"]';
const PLACEHOLDER = '[data-turn-id-container][data-is-intersecting="false"]';
const MESSAGE = '[data-message-author-role]';
const COPY_BUTTON = '[data-testid="copy-turn-action-button"]';
const STOP_BUTTON = '[data-testid="stop-button"], [data-testid="composer-stop-button"]';
const CONVERSATION_PATH = /^\/(?:share|c|g\/[a-z0-9-]+\/c)\/([a-z0-9-]+)/i;

function messages(turn: PageTurn): Element[] {
  return Array.from(turn.element.querySelectorAll(MESSAGE));
}

/** The column holding the turn's message elements (thinking models split one answer over several). */
function column(turn: PageTurn): Element | null {
  const found = messages(turn);
  if (found.length > 1) return commonAncestor(found);
  return found[0] ?? null;
}

/** The site's action bar: the group around the copy button, else the clickables after the last message. */
function actionBar(turn: PageTurn): Element | null {
  const copy = turn.element.querySelector(COPY_BUTTON);
  if (copy) return copy.closest('[role="group"]') ?? copy.parentElement;
  const last = messages(turn).at(-1);
  return last ? actionRowAfter(turn.element, last) : null;
}

export default defineSiteAdapter({
  id: 'chatgpt',
  label: 'ChatGPT',
  matches: ['https://chatgpt.com/*', 'https://chat.openai.com/*'],
  testUrls: [
    'https://chatgpt.com/c/6740f2a1-0000-8000-8000-000000000001',
    'https://chatgpt.com/g/g-p-abc123-project/c/6740f2a1-0000-8000-8000-000000000002',
    'https://chat.openai.com/c/6740f2a1-0000-8000-8000-000000000003',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: `${TURN}, ${PLACEHOLDER}`,
  watchedAttributes: ['data-is-intersecting', 'data-message-id'],
  anchors: [
    'data-testid',
    'data-turn',
    'data-turn-id-container',
    'data-is-intersecting',
    'data-message-author-role',
    'data-message-id',
    'data-message-model-slug',
  ],

  describeTurn(element) {
    // An evicted turn (or one not yet filled in) holds no message: a placeholder of unknown role.
    if (!element.matches(TURN) || !element.querySelector(MESSAGE)) return { role: null, element, position: null };
    const declared =
      element.getAttribute('data-turn') ?? element.querySelector(MESSAGE)?.getAttribute('data-message-author-role');
    const number = Number(element.getAttribute('data-testid')?.slice('conversation-turn-'.length));
    return {
      role: declared === 'user' || declared === 'assistant' ? declared : null,
      element,
      position: Number.isInteger(number) && number >= 1 ? number - 1 : null,
    };
  },

  turns(doc) {
    // A placeholder wrapper that still holds its turn is not a placeholder: only count empty ones.
    return Array.from(doc.querySelectorAll(`${TURN}, ${PLACEHOLDER}`))
      .filter((element) => element.matches(TURN) || !element.querySelector(TURN))
      .map((element) => this.describeTurn(element));
  },

  content(turn) {
    const found = messages(turn);
    if (found.length > 1) return column(turn);
    const only = found[0];
    if (!only) return null;
    return only.querySelector('.markdown') ?? only;
  },

  // Expanded thoughts: what the message column shows before the answer's last message element, outside
  // any message element (the "Thought for …" toggle is a button, left out anyway).
  reasoning(turn) {
    const found = messages(turn);
    const last = found.at(-1);
    const holder = found.length > 1 ? column(turn) : last?.parentElement;
    if (!last || !holder) return [];
    return Array.from(holder.children).filter(
      (child) =>
        !child.matches(MESSAGE) &&
        !child.querySelector(MESSAGE) &&
        follows(last, child) &&
        textOf(child) !== null &&
        !child.matches(CLICKABLE) &&
        child.querySelector(CLICKABLE) === null,
    );
  },

  nativeMessageId(turn) {
    // One turn can hold several assistant messages; feedback belongs to the last one.
    return messages(turn).at(-1)?.getAttribute('data-message-id') ?? null;
  },

  isStreaming(turn, doc) {
    if (!actionBar(turn)) return true;
    if (turn.element.querySelector('.result-streaming, [data-writing-block]')) return true;
    // While the stop button shows, only the thread's last turn can be the one streaming. Looking for a
    // later turn from this one's own ancestors costs O(1) for all but the last turn, where a query over
    // the whole document per turn would cost O(turns²) on a long thread.
    if (hasLater(turn.element, `${TURN}, [data-turn-id-container]`)) return false;
    return doc.querySelector(STOP_BUTTON) !== null;
  },

  model(turn, doc) {
    const slug = messages(turn).at(-1)?.getAttribute('data-message-model-slug');
    if (slug) return { name: slug, source: 'message' };
    const picker = textOf(doc.querySelector('[data-testid="model-switcher-dropdown-button"]'));
    return namedModel(picker, 'model-picker');
  },

  anchor: actionBar,

  variant(turn) {
    for (const counter of Array.from(turn.element.querySelectorAll('.tabular-nums'))) {
      if (counter.closest('.markdown')) continue;
      const variant = parseVariantCounter(counter.textContent);
      if (variant) return variant;
    }
    return variantCounter(turn.element, column(turn));
  },
});
