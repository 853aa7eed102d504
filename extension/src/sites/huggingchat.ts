import { defineSiteAdapter, namedModel, parseVariantCounter, textOf } from './define-site-adapter.ts';

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

export default defineSiteAdapter({
  id: 'huggingchat',
  label: 'HuggingChat',
  matches: ['https://huggingface.co/chat/*'],
  testUrls: ['https://huggingface.co/chat/conversation/68b2f0c1a9e4d3b2c1f0e9d8'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: `${ASSISTANT}, ${USER}`,

  role: (element) => (element.matches(ASSISTANT) ? 'assistant' : element.matches(USER) ? 'user' : null),

  content(turn) {
    if (turn.role === 'user') return turn.element.querySelector('p');
    // The answer may be several `.prose` blocks between reasoning and tool blocks, in one column.
    return turn.element.querySelector('.prose')?.parentElement ?? null;
  },

  nativeMessageId: (turn) => turn.element.getAttribute('data-message-id'),

  isStreaming: (turn) => !turn.element.querySelector('button[title="Retry"]'),

  model(turn, doc) {
    const routed = turn.element.querySelector('a[href*="/settings/"]')?.getAttribute('href')?.split('/settings/')[1];
    if (routed) return { name: decodeURIComponent(routed), source: 'message' };
    const picker = Array.from(doc.querySelectorAll('a[href*="/settings/"]')).find(
      (link) => !link.closest(ASSISTANT) && textOf(link)?.startsWith('Model:'),
    );
    // The link's target is the model id (`Qwen/Qwen3-…`), more precise than the display name it shows.
    const id = picker?.getAttribute('href')?.split('/settings/')[1];
    const name = id ? decodeURIComponent(id) : textOf(picker?.querySelector('.truncate'));
    return namedModel(name, 'model-picker');
  },

  anchor: (turn) => turn.element.querySelector('button[title="Retry"]')?.parentElement ?? null,

  variant: (turn) => parseVariantCounter(turn.element.querySelector('[class~="group/navbranch"] span')?.textContent),

  skip: (element) => element.hasAttribute('data-exclude-from-copy'),
});
