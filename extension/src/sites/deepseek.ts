import { defineSiteAdapter, type PageTurn, textOf } from './define-site-adapter.ts';
import { actionRowAfter, follows, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "DeepSeek" (confidence: medium-low). The thread is a virtual list,
// `.ds-virtual-list [data-virtual-list-item-key]`, each item holding one `.ds-message`; an assistant's
// holds `.ds-markdown`, a user's does not. Everything else has hashed class names, so the rest is found
// by structure: the answer is `.ds-assistant-message-main-content`, else the message's last top-level
// `.ds-markdown`; a DeepThink block's own `.ds-markdown` before it (or `.ds-think-content`) is the
// reasoning. The action row is the first clickables after the answer (icon-only `div[role="button"]`s,
// not in it), which appears once the answer is complete: the finished signal and the anchor. Code
// blocks are `.md-code-block` with the language in their banner. Ids are synthesized (the item key is
// not known to be the API's message id); the model shows only as DeepThink/Search toggles: unknown.
const ITEM = '[data-virtual-list-item-key]';
const MARKDOWN = '.ds-markdown';
const CONVERSATION_PATH = /^\/(?:a\/)?chat\/s\/([a-z0-9-]+)/i;

function message(turn: PageTurn): Element {
  return turn.element.querySelector('.ds-message') ?? turn.element;
}

/** The message's markdown blocks that are not inside another one, in order. */
function markdownBlocks(turn: PageTurn): Element[] {
  return Array.from(message(turn).querySelectorAll(MARKDOWN)).filter(
    (block) => !block.parentElement?.closest(MARKDOWN),
  );
}

function answer(turn: PageTurn): Element | null {
  const main = turn.element.querySelector('.ds-assistant-message-main-content');
  if (main) return main;
  const blocks = markdownBlocks(turn).filter((block) => !block.closest('.ds-think-content'));
  return blocks.at(-1) ?? null;
}

/** The row of action icons (copy, regenerate, like, …) after the answer, once it is finished. */
function actionRow(turn: PageTurn): Element | null {
  const body = answer(turn);
  return body ? actionRowAfter(turn.element, body) : null;
}

export default defineSiteAdapter({
  id: 'deepseek',
  label: 'DeepSeek',
  matches: ['https://chat.deepseek.com/*'],
  testUrls: ['https://chat.deepseek.com/a/chat/s/040e281f-fd36-41a0-8b5a-85344dc365ed'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: ITEM,
  anchors: ['data-virtual-list-item-key', 'role'],

  role(element) {
    if (element.querySelector(`${MARKDOWN}, .ds-assistant-message-main-content`)) return 'assistant';
    return element.querySelector('.ds-message') ? 'user' : null;
  },

  content(turn) {
    return turn.role === 'user' ? message(turn) : answer(turn);
  },

  reasoning(turn) {
    const main = answer(turn);
    const thoughts = Array.from(message(turn).querySelectorAll('.ds-think-content'));
    const earlier = markdownBlocks(turn).filter(
      (block) => block !== main && !block.closest('.ds-think-content') && main !== null && follows(main, block),
    );
    return [...thoughts, ...earlier];
  },

  isStreaming: (turn) => actionRow(turn) === null,

  anchor: actionRow,

  variant: (turn) => variantCounter(actionRow(turn) ?? turn.element, answer(turn)),

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
