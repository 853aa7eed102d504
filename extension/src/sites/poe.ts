import { defineSiteAdapter, namedModel, type PageTurn, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Poe" (confidence: low; sources mostly 2023-24 scripts that
// agree on the CSS-module names). Poe's classes carry a build hash (`ChatMessage_messageRow__DHlnq`), so
// every selector matches the stable prefix only. Each message is a `ChatMessage_messageRow` whose
// `data-complete` is "false" while it streams; the bot's bubble is `Message_botMessageBubble` (newer
// builds: `Message_leftSideMessageBubble`), the human's `Message_humanMessageBubble` /
// `Message_rightSideMessageBubble`. The action bar (`ChatMessageActionBar_actionBar`) follows the bot
// message inside its `ChatMessagesView_messagePair`; where a reply has none, the controls go after its
// bubble. No message id is in the DOM (ids are synthesized); the bot's name heads each reply.
const ROW = '[class*="ChatMessage_messageRow"]';
const BOT = '[class*="Message_botMessageBubble"], [class*="Message_leftSideMessageBubble"]';
const HUMAN = '[class*="Message_humanMessageBubble"], [class*="Message_rightSideMessageBubble"]';
const ACTION_BAR = '[class*="ChatMessageActionBar_actionBar"]';
const CONVERSATION_PATH = /^\/chat\/([A-Za-z0-9_-]+)/;

/** The message's element that is a direct child of its question-and-answer pair. */
function pairChild(turn: PageTurn): Element {
  let node = turn.element;
  while (node.parentElement && !node.parentElement.matches('[class*="ChatMessagesView_messagePair"]')) {
    node = node.parentElement;
  }
  return node;
}

export default defineSiteAdapter({
  id: 'poe',
  label: 'Poe',
  matches: ['https://poe.com/*'],
  testUrls: ['https://poe.com/chat/2abc3def4ghi5jkl6mn'],
  conversationPath: CONVERSATION_PATH,
  turnSelector: ROW,
  watchedAttributes: ['data-complete'],
  anchors: ['data-complete'],

  role: (element) => (element.querySelector(BOT) ? 'assistant' : element.querySelector(HUMAN) ? 'user' : null),

  content(turn) {
    const bubble = turn.element.querySelector(turn.role === 'assistant' ? BOT : HUMAN);
    return bubble?.querySelector('[class*="Markdown_markdownContainer"]') ?? bubble ?? null;
  },

  isStreaming: (turn) => turn.element.getAttribute('data-complete') === 'false',

  model(turn, doc) {
    const own = textOf(pairChild(turn).querySelector('[class*="BotHeader_textContainer"]'));
    if (own) return { name: own, source: 'message' };
    const header = textOf(doc.querySelector('[class*="ChatHeader_"] [class*="BotHeader_textContainer"]'));
    return namedModel(header, 'model-picker');
  },

  anchor(turn) {
    const next = pairChild(turn).nextElementSibling;
    if (next?.matches(ACTION_BAR)) return next;
    return turn.element.querySelector('[class*="Message_messageBubbleWrapper"]');
  },

  // A code block's header (language name and copy button) is chrome; the language is read from it.
  skip: (element) => /\bMarkdownCodeBlock_codeHeader/.test(element.getAttribute('class') ?? ''),
});
