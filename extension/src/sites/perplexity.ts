import { defineSiteAdapter, type PageTurn, textOf } from './define-site-adapter.ts';

// Selectors and sources: docs/sites.md, "Perplexity" (confidence: medium), the page structure taken from
// sho7650/obsidian-AI-exporter's saved thread test/fixtures/html/perplexity/chat-simple.html
// (2026-02-27). A query is `[class~="group/query"]` (its text in `span.select-text`); an answer is
// `div#markdown-content-N` holding `.prose`. Perplexity puts no message id, model name or streaming
// flag in the DOM: ids are synthesized, the model is unknown, and an answer counts as finished once
// its toolbar (Share, Download, Copy, Rewrite, …) follows it, which the saved page shows only then.
const QUERY = '[class~="group/query"]';
const ANSWER = 'div[id^="markdown-content-"]';
const CONVERSATION_PATH = /^\/(?:search|thread)\/([^/]+)/;
const COPY = 'button[aria-label="Copy"]';

/** The answer's toolbar: the row after the block holding the answer, found by its Copy button. */
function toolbar(turn: PageTurn): Element | null {
  let node: Element | null = turn.element;
  for (let depth = 0; node && depth < 6; depth++, node = node.parentElement) {
    if (node.querySelector(QUERY)) return null; // Reached the whole question-and-answer block.
    for (let sibling = node.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
      if (sibling.matches(ANSWER) || sibling.querySelector(ANSWER)) break;
      if (sibling.querySelector(COPY)) return sibling;
    }
  }
  return null;
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
  turnSelector: `${QUERY}, ${ANSWER}`,

  role: (element) => (element.matches(QUERY) ? 'user' : element.matches(ANSWER) ? 'assistant' : null),

  content(turn) {
    if (turn.role === 'user') {
      return turn.element.querySelector('span.select-text, span[data-lexical-text="true"]') ?? turn.element;
    }
    const prose = turn.element.querySelector('.prose');
    if (prose?.textContent?.trim()) return prose;
    // 2026-08 rollout (obsidian-AI-exporter #444): the container is an empty placeholder and the answer's
    // `.prose.inline` is rendered beside it.
    return turn.element.parentElement?.querySelector('.prose.inline') ?? prose;
  },

  isStreaming: (turn) => toolbar(turn) === null,

  anchor: toolbar,

  // A code block's `pre` wraps its toolbar, its language label and the `code`, which has no language class.
  codeLanguage: (pre) => textOf(pre.querySelector('[data-testid="code-language-indicator"]')),
});
