import { defineSiteAdapter, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "DeepSeek" (confidence: medium-low): the thread is a virtual list,
// `.ds-virtual-list [data-virtual-list-item-key]`, each item holding one `.ds-message`; its hashed
// class names are avoided. An assistant message holds `.ds-markdown` (the answer; the DeepThink reasoning is
// another `.ds-markdown` inside `.ds-think-content`), a user one doesn't. The action row is
// `.ds-message + div + div > .ds-flex` of `div[role="button"]` icons (as CodeWebChat's DeepSeek driver
// finds it) and appears once the answer is complete, which is the only finished signal used. Code blocks
// are `.md-code-block` with the language in its banner and a `pre` without `code`. The item key is not
// known to equal the API message id, so ids are synthesized; the model shows only as DeepThink/Search
// toggles, so it is unknown. Uncertain: the "< 2 / 2 >" version counter is read from that same row.
const ITEM = '[data-virtual-list-item-key]';
const CONVERSATION_PATH = /^\/(?:a\/)?chat\/s\/([a-z0-9-]+)/i;

function message(turn: PageTurn): Element | null {
  return turn.element.querySelector('.ds-message');
}

/** The row of action icons (copy, regenerate, like, …) after the message, once it is finished. */
function actionRow(turn: PageTurn): Element | null {
  const own = message(turn);
  for (let sibling = own?.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
    const row = sibling.querySelector('.ds-flex');
    if (row?.querySelector('[role="button"]')) return row;
  }
  return null;
}

export default defineSiteAdapter({
  id: 'deepseek',
  label: 'DeepSeek',
  matches: ['https://chat.deepseek.com/*'],
  testUrls: ['https://chat.deepseek.com/a/chat/s/040e281f-fd36-41a0-8b5a-85344dc365ed'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: ITEM,

  role(element) {
    const own = element.querySelector('.ds-message');
    return own ? (own.querySelector('.ds-markdown') ? 'assistant' : 'user') : null;
  },

  content(turn) {
    const own = message(turn);
    if (!own) return null;
    if (turn.role === 'user') return own.firstElementChild ?? own;
    const answers = Array.from(own.querySelectorAll('.ds-markdown')).filter(
      (markdown) => !markdown.closest('.ds-think-content'),
    );
    return answers.at(-1) ?? null;
  },

  isStreaming: (turn) => actionRow(turn) === null,

  anchor: actionRow,

  variant(turn) {
    for (const label of Array.from(actionRow(turn)?.querySelectorAll('span, div') ?? [])) {
      if (label.childElementCount > 0) continue;
      const variant = parseVariantCounter(label.textContent);
      if (variant) return variant;
    }
    return null;
  },

  codeLanguage(pre) {
    const banner = pre.closest('.md-code-block')?.querySelector('.md-code-block-banner');
    const label = Array.from(banner?.querySelectorAll('span') ?? []).find(
      (span) => !span.closest('[role="button"]') && textOf(span),
    );
    return textOf(label);
  },

  // The banner (language label, "Copy" and "Download" as div buttons) is chrome, not part of the code.
  skip: (element) => element.classList.contains('md-code-block-banner-wrap'),
});
