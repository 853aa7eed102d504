import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { actionRowAfter, CLICKABLE, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "Claude" (saved page of 2026-07). Claude puts no message id
// in the DOM, so ids are synthesized from the row's `data-index` and the response text.
const ROW = '[data-rs-index][data-index]';
const USER = '[data-testid="user-message"], [data-user-message-bubble]';
const RESPONSE = '.font-claude-response:not(#markdown-artifact)';
const ACTION_BAR = '[data-message-action-bar]';
const CONVERSATION_PATH = /^\/chat\/([a-z0-9-]+)/i;

function response(turn: PageTurn): Element | null {
  return turn.element.querySelector(RESPONSE) ?? turn.element.querySelector('[data-is-streaming]');
}

/** The message action bar, else (its attribute renamed) the clickables after the response. */
function actionBar(turn: PageTurn): Element | null {
  const body = response(turn);
  const bar = turn.element.querySelector(`[data-is-streaming] ${ACTION_BAR}, ${ACTION_BAR}`);
  if (bar?.querySelector(CLICKABLE)) return bar;
  return body ? actionRowAfter(turn.element, body) : null;
}

export default defineSiteAdapter({
  id: 'claude',
  label: 'Claude',
  matches: ['https://claude.ai/*'],
  testUrls: [
    'https://claude.ai/chat/0b8c1f7e-0000-4000-8000-000000000001',
    'https://claude.ai/chat/0b8c1f7e-0000-4000-8000-000000000002?project=1',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: ROW,
  watchedAttributes: ['data-is-streaming'],
  anchors: [
    'data-rs-index',
    'data-index',
    'data-testid',
    'data-user-message-bubble',
    'data-is-streaming',
    'data-message-action-bar',
    // The model picker says the model in full only in its label ("Model: Claude Opus 4.6").
    'aria-label',
  ],

  describeTurn(element) {
    const index = Number(element.getAttribute('data-index'));
    const role = element.querySelector(USER)
      ? 'user'
      : element.querySelector('[data-is-streaming], .font-claude-response')
        ? 'assistant'
        : null;
    return { role, element, position: Number.isInteger(index) && index >= 0 ? index : null };
  },

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector(USER);
    return response(turn);
  },

  // Thinking is the grid's first row, the answer its second (`row-start-1` / `row-start-2`).
  reasoning(turn) {
    return Array.from(response(turn)?.querySelectorAll('.row-start-1') ?? []).filter((row) =>
      Array.from(row.parentElement?.children ?? []).some((sibling) => sibling.classList.contains('row-start-2')),
    );
  },

  isStreaming(turn) {
    const flag = turn.element.querySelector('[data-is-streaming]')?.getAttribute('data-is-streaming');
    if (flag === 'true') return true;
    // The action bar (with its copy button) is rendered only once the reply is complete.
    return actionBar(turn) === null;
  },

  model(_turn, doc) {
    const picker = doc.querySelector('[data-testid="model-selector-dropdown"]');
    const label = picker
      ?.getAttribute('aria-label')
      // "Model: Claude Opus 4.6", or the word "Model" in the page's language.
      ?.replace(/^[^:：\d]{1,24}[:：]\s*/, '')
      .trim();
    const name = label || textOf(picker);
    return namedModel(name, 'model-picker');
  },

  anchor: actionBar,

  variant(turn) {
    const bar = actionBar(turn);
    const previous = bar?.querySelector('button[aria-label="Previous version"]');
    return (
      parseVariantCounter(previous?.nextElementSibling?.textContent) ??
      (bar ? variantCounter(bar, response(turn)) : null)
    );
  },

  // Code blocks show their language in a label beside the `pre`; it is chrome, not content.
  skip(element) {
    const pre = Array.from(element.parentElement?.children ?? []).find((sibling) => sibling.localName === 'pre');
    if (!pre || pre === element) return false;
    const language = pre
      .querySelector('code')
      ?.getAttribute('class')
      ?.match(/language-([\w#+.-]+)/)?.[1];
    return language !== undefined && element.textContent?.trim().toLowerCase() === language.toLowerCase();
  },

  // An artifact (a document or app beside the chat) shows in the reply as a card naming it.
  placeholder(element) {
    const card = element.matches('.artifact-block-cell') ? element : element.querySelector('.artifact-block-cell');
    if (!card || (element !== card && !element.matches(CLICKABLE))) return null;
    const title = Array.from(card.querySelectorAll('*')).find((node) => node.childElementCount === 0 && textOf(node));
    return { kind: 'artifact', name: textOf(title) };
  },
});
