import { defineSiteAdapter, namedModel, parseVariantCounter, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Claude" (saved page of 2026-07). Claude puts no message id
// in the DOM, so ids are synthesized from the row's `data-index` and the response text.
const ROW = '[data-rs-index][data-index]';
const CONVERSATION_PATH = /^\/chat\/([a-z0-9-]+)/i;

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

  describeTurn(element) {
    const index = Number(element.getAttribute('data-index'));
    const role = element.querySelector('[data-testid="user-message"]')
      ? 'user'
      : element.querySelector('[data-is-streaming], .font-claude-response')
        ? 'assistant'
        : null;
    return { role, element, position: Number.isInteger(index) && index >= 0 ? index : null };
  },

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('[data-testid="user-message"]');
    return turn.element.querySelector('.font-claude-response:not(#markdown-artifact)');
  },

  isStreaming(turn) {
    const flag = turn.element.querySelector('[data-is-streaming]')?.getAttribute('data-is-streaming');
    if (flag === 'true') return true;
    // The action bar is rendered only once the reply is complete.
    return !turn.element.querySelector('[data-message-action-bar] [data-testid="action-bar-copy"]');
  },

  model(_turn, doc) {
    const picker = doc.querySelector('[data-testid="model-selector-dropdown"]');
    const label = picker
      ?.getAttribute('aria-label')
      ?.replace(/^Model:\s*/i, '')
      .trim();
    const name = label || textOf(picker);
    return namedModel(name, 'model-picker');
  },

  anchor: (turn) =>
    turn.element.querySelector('[data-is-streaming] [data-message-action-bar], [data-message-action-bar]'),

  variant(turn) {
    const previous = turn.element.querySelector('[data-message-action-bar] button[aria-label="Previous version"]');
    return (
      parseVariantCounter(previous?.nextElementSibling?.textContent) ??
      parseVariantCounter(previous?.parentElement?.textContent)
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
});
