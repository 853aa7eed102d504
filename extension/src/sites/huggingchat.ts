import { defineSiteAdapter, namedModel, type PageTurn, parseVariantCounter, textOf } from './define-site-adapter.ts';
import { actionRowAfter, variantCounter } from './structure.ts';

// Selectors and sources: docs/sites.md, "HuggingChat", read from the app's own source (huggingface/chat-ui
// HEAD c100c16, 2026-08-21: src/lib/components/chat/ChatMessage.svelte, Alternatives.svelte,
// ChatWindow.svelte). Confidence: high. Messages are `[data-message-id]` with `data-message-role=
// "assistant"` or `data-message-type="user"`. The row under a reply gets its Copy and Retry buttons only
// when the reply is not the one loading (`!isLast || !loading`): that is the finished signal and the
// anchor. When the router picked the model, the same row links `/chat/settings/<model id>`; otherwise
// the composer shows "Model: <name>". Reasoning and tool blocks are `data-exclude-from-copy`.
const ASSISTANT = '[data-message-id][data-message-role="assistant"]';
const USER = '[data-message-id][data-message-type="user"]';
const CONVERSATION_PATH = /^\/chat\/conversation\/([a-z0-9]+)/i;
/** The router's chip: "Routed to <model> via <provider>", "route with <model> via <provider>". */
const ROUTER_CHIP = /^\s*(?:routed to|route\b.*\bwith)\s+(\S+).*\bvia\b/i;

/** The reply's column: its `.prose` blocks (several between reasoning and tool blocks) and what is between. */
function column(turn: PageTurn): Element | null {
  return turn.element.querySelector('.prose')?.parentElement ?? null;
}

/** The Copy and Retry row, shown once the reply is not the one loading; else the clickables after it. */
function actionRow(turn: PageTurn): Element | null {
  const retry = turn.element.querySelector('button[title="Retry"]');
  if (retry) return retry.parentElement;
  const body = column(turn);
  return body ? actionRowAfter(turn.element, body) : null;
}

/** The router's chip (a link to the model's settings, or the words "… via …"), never part of the reply. */
function isRouterChip(element: Element): boolean {
  if (element.closest('.prose') || element.querySelector('.prose')) return false;
  if (element.querySelector('a[href*="/settings/"]')) return true;
  return ROUTER_CHIP.test(element.textContent ?? '');
}

export default defineSiteAdapter({
  id: 'huggingchat',
  label: 'HuggingChat',
  matches: ['https://huggingface.co/chat/*'],
  testUrls: ['https://huggingface.co/chat/conversation/68b2f0c1a9e4d3b2c1f0e9d8'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: `${ASSISTANT}, ${USER}`,
  anchors: ['data-message-id', 'data-message-role', 'data-message-type', 'data-exclude-from-copy', 'href'],

  role: (element) => (element.matches(ASSISTANT) ? 'assistant' : element.matches(USER) ? 'user' : null),

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('p');
    return column(turn);
  },

  nativeMessageId: (turn) => turn.element.getAttribute('data-message-id'),

  isStreaming: (turn) => actionRow(turn) === null,

  model(turn, doc) {
    const routed = turn.element.querySelector('a[href*="/settings/"]')?.getAttribute('href')?.split('/settings/')[1];
    if (routed) return { name: decodeURIComponent(routed), source: 'message' };
    const chip = Array.from(turn.element.querySelectorAll('div, span')).find(
      (element) => !element.closest('.prose') && ROUTER_CHIP.test(element.textContent ?? ''),
    );
    const chipModel = chip?.textContent?.match(ROUTER_CHIP)?.[1];
    if (chipModel) return { name: chipModel, source: 'message' };
    const picker = Array.from(doc.querySelectorAll('a[href*="/settings/"]')).find(
      (link) => !link.closest(ASSISTANT) && textOf(link)?.startsWith('Model:'),
    );
    // The link's target is the model id (`Qwen/Qwen3-…`), more precise than the display name it shows.
    const id = picker?.getAttribute('href')?.split('/settings/')[1];
    const name = id ? decodeURIComponent(id) : textOf(picker?.querySelector('.truncate'));
    return namedModel(name, 'model-picker');
  },

  anchor: actionRow,

  variant: (turn) =>
    parseVariantCounter(turn.element.querySelector('[class~="group/navbranch"] span')?.textContent) ??
    variantCounter(turn.element, column(turn)),

  skip: (element) => element.hasAttribute('data-exclude-from-copy') || isRouterChip(element),
});
