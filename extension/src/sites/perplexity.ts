import { defineSiteAdapter, type PageTurn, textOf } from './define-site-adapter.ts';
import { actionRowAfter } from './structure.ts';

// Selectors and sources: docs/sites.md, "Perplexity" (confidence: medium), the page structure taken from
// sho7650/obsidian-AI-exporter's saved thread test/fixtures/html/perplexity/chat-simple.html
// (2026-02-27). A query is `[class~="group/query"]` (its text in `span.select-text`); an answer is
// `div#markdown-content-N` holding `.prose`. Perplexity puts no message id, model name or streaming
// flag in the DOM: ids are synthesized, the model is unknown, and an answer counts as finished once
// its toolbar (Share, Download, Copy, Rewrite, …) follows it, which the saved page shows only then.
const QUERY = '[class~="group/query"]';
const ANSWER = 'div[id^="markdown-content-"]';
const CONVERSATION_PATH = /^\/(?:search|thread)\/([^/]+)/;
const TURN = `${QUERY}, ${ANSWER}`;
const COPY = 'button[aria-label="Copy"]';
const CLIMB = 6;

/**
 * The first element after the answer, in its question-and-answer block and before the next turn, that
 * `accept`s (checked on each following sibling of the answer and of its ancestors, nearest first).
 */
function afterAnswer(turn: PageTurn, accept: (sibling: Element) => Element | null): Element | null {
  let node: Element | null = turn.element;
  for (let depth = 0; node && depth < CLIMB; depth++, node = node.parentElement) {
    if (node !== turn.element && node.querySelector(QUERY)) return null; // Reached the whole block.
    for (let sibling = node.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
      if (sibling.matches(TURN) || sibling.querySelector(TURN)) return null;
      const found = accept(sibling);
      if (found) return found;
    }
  }
  return null;
}

/** The answer's toolbar: the row after the block holding the answer, found by its Copy button. */
function toolbar(turn: PageTurn): Element | null {
  return (
    afterAnswer(turn, (sibling) => (sibling.querySelector(COPY) ? sibling : null)) ??
    // The Copy label in another language: the row of (at least three) buttons after the answer.
    afterAnswer(turn, (sibling) =>
      sibling.querySelectorAll('button').length >= 3 ? actionRowAfter(sibling, null) : null,
    )
  );
}

function answerBody(turn: PageTurn): Element | null {
  const prose = turn.element.querySelector('.prose');
  if (prose?.textContent?.trim()) return prose;
  // 2026-08 rollout (obsidian-AI-exporter #444): the container is an empty placeholder and the answer's
  // `.prose.inline` is rendered beside it, before the next question.
  return (
    afterAnswer(turn, (sibling) => (sibling.matches('.prose') ? sibling : sibling.querySelector('.prose'))) ?? prose
  );
}

export default defineSiteAdapter({
  id: 'perplexity',
  label: 'Perplexity',
  matches: ['https://www.perplexity.ai/*', 'https://perplexity.ai/*'],
  testUrls: [
    'https://www.perplexity.ai/search/saco-es-la-capital-6uwt5.otQN2tlcAuCSk5KA',
    'https://perplexity.ai/search/how-tall-is-everest-Qm2x8.d9Rk3L1pW7vZc0Ta',
  ],
  conversationPath: CONVERSATION_PATH,
  turnSelector: TURN,
  anchors: ['id', 'aria-label', 'data-lexical-text', 'data-testid'],

  role: (element) => (element.matches(QUERY) ? 'user' : element.matches(ANSWER) ? 'assistant' : null),

  content(turn) {
    if (turn.role === 'assistant') return answerBody(turn);
    const spans = turn.element.querySelectorAll('span.select-text, span[data-lexical-text="true"]');
    if (spans.length === 1) return spans[0] as Element;
    // The question is a heading (`h1`), read as its text, whether it is the query element or inside it.
    return turn.element.querySelector('h1') ?? turn.element;
  },

  // A question's element may wrap more than the question: an answer inside it is never the question.
  skip: (element) => element.matches(`${ANSWER}, .prose`),

  isStreaming: (turn) => toolbar(turn) === null,

  anchor: toolbar,

  // A code block's `pre` wraps its toolbar, its language label and the `code`, which has no language class.
  codeLanguage: (pre) => textOf(pre.querySelector('[data-testid="code-language-indicator"]')),
});
