import {
  defineSiteAdapter,
  hasLater,
  namedModel,
  type PageTurn,
  parseVariantCounter,
  textOf,
} from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "ChatGPT" (2026 saved pages): test ids and data-* first,
// because class names churn and aria labels are localized.
const TURN = '[data-testid^="conversation-turn-"]';
const PLACEHOLDER = '[data-turn-id-container][data-is-intersecting="false"]';
const COPY_BUTTON = '[data-testid="copy-turn-action-button"]';
const CONVERSATION_PATH = /^\/(?:share|c|g\/[a-z0-9-]+\/c)\/([a-z0-9-]+)/i;

function messages(turn: PageTurn): Element[] {
  return Array.from(turn.element.querySelectorAll('[data-message-author-role]'));
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

  describeTurn(element) {
    if (!element.matches(TURN)) return { role: null, element, position: null };
    const role = element.getAttribute('data-turn');
    const number = Number(element.getAttribute('data-testid')?.slice('conversation-turn-'.length));
    return {
      role: role === 'user' || role === 'assistant' ? role : null,
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
    if (found.length === 0) return null;
    // Thinking models split one answer over several message elements; their column holds them all.
    if (found.length > 1) return found[0]?.parentElement ?? null;
    const only = found[0] as Element;
    return only.querySelector('.markdown') ?? only;
  },

  nativeMessageId(turn) {
    // One turn can hold several assistant messages; feedback belongs to the last one.
    return messages(turn).at(-1)?.getAttribute('data-message-id') ?? null;
  },

  isStreaming(turn, doc) {
    if (!turn.element.querySelector(COPY_BUTTON)) return true;
    if (turn.element.querySelector('.result-streaming, [data-writing-block]')) return true;
    // While the stop button shows, only the thread's last turn can be the one streaming. Looking for a
    // later turn from this one's own ancestors costs O(1) for all but the last turn, where a query over
    // the whole document per turn would cost O(turns²) on a long thread.
    if (hasLater(turn.element, `${TURN}, [data-turn-id-container]`)) return false;
    return doc.querySelector('[data-testid="stop-button"]') !== null;
  },

  model(turn, doc) {
    const slug = messages(turn).at(-1)?.getAttribute('data-message-model-slug');
    if (slug) return { name: slug, source: 'message' };
    const picker = textOf(doc.querySelector('[data-testid="model-switcher-dropdown-button"]'));
    return namedModel(picker, 'model-picker');
  },

  anchor: (turn) => turn.element.querySelector(COPY_BUTTON)?.closest('[role="group"]') ?? null,

  variant(turn) {
    for (const counter of Array.from(turn.element.querySelectorAll('.tabular-nums'))) {
      if (counter.closest('.markdown')) continue;
      const variant = parseVariantCounter(counter.textContent);
      if (variant) return variant;
    }
    return null;
  },
});
