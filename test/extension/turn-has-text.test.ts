import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { readTurn, turnHasText } from '../../extension/src/capture/capture-response.ts';
import { hasText } from '../../extension/src/capture/has-text.ts';
import type { MarkdownOptions } from '../../extension/src/capture/markdown-rules.ts';
import { toMarkdown } from '../../extension/src/capture/to-markdown.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { loadSiteFixtures, parseFixture, parsePage } from './site-fixtures.ts';

// The annotator asks only whether a finished response has words (turnHasText) and reads them when they
// are saved: the answer must be the one reading them all would give, on every site and every edge.
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe.each(siteAdapters.map((adapter) => [adapter.id, adapter] as const))('%s fixtures', (id, adapter) => {
  it.each(loadSiteFixtures(id).map((fixture) => [fixture.name, fixture] as const))(
    '%s: every turn has text exactly when its markdown is not empty',
    (_name, fixture) => {
      const { document, close } = parseFixture(fixture);
      closers.push(close);
      const turns = adapter.turns(document);
      expect(turns.length).toBeGreaterThan(0);
      for (const turn of turns) {
        expect(turnHasText(adapter, turn), `turn ${turn.position} (${turn.role})`).toBe(
          readTurn(adapter, turn).text !== '',
        );
      }
    },
  );
});

describe('hasText', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['whitespace only', ' \n <p> </p> <div>\n</div> '],
    ['only chrome', '<button>Copy</button><div role="button">Download</div><svg></svg><span class="sr-only">x</span>'],
    ['hidden, then words', '<p aria-hidden="true">no</p><div hidden>no</div><p>Yes.</p>'],
    ['an empty code block', '<pre><code></code></pre>'],
    [
      'a code block whose label is all the text',
      '<div><div>python</div><pre><code class="language-python"></code></pre></div>',
    ],
    ['an image only', '<p><img alt="chart" src="x.png"></p>'],
    ['words after an empty first child', '<div><span></span></div>Tail words'],
    ['a rule only', '<hr>'],
    ['a line break only', '<br>'],
    ['a list of nothing', '<ul><li> </li></ul>'],
    ['an empty link', '<a href="https://example.com"></a>'],
    ['bare text', 'Hello'],
  ];
  it.each(cases)('%s: the same answer as reading everything', (_name, html) => {
    const { document, close } = parsePage('https://example.com/', `<main id="root">${html}</main>`);
    closers.push(close);
    const root = document.getElementById('root');
    if (!root) throw new Error('no root');
    expect(hasText(root)).toBe(toMarkdown(root) !== '');
  });

  it('stops at the first child that writes something', () => {
    const { document, close } = parsePage('https://example.com/', '<main id="root"><p>First.</p><p>Second.</p></main>');
    closers.push(close);
    const root = document.getElementById('root') as Element;
    const read: string[] = [];
    const skip = (element: Element) => {
      read.push(element.textContent ?? '');
      return false;
    };
    expect(hasText(root, { skip })).toBe(true);
    expect(read).toEqual(['First.']);
  });

  // Random trees of every element the reader treats apart (hidden, chrome, placeholders, code, lists,
  // tables, pre-wrap, the site rules), with blank and non-blank text: never a different answer.
  const text = fc.constantFrom('', ' ', '\n  ', 'x', ' y ', '`', '|');
  const opening = fc.constantFrom(
    'div',
    'p',
    'span',
    'strong',
    'em',
    'a href="https://example.com/x"',
    'a',
    'a download="f.txt"',
    'code',
    'pre',
    'ul',
    'ol',
    'li',
    'table',
    'tr',
    'td',
    'th',
    'blockquote',
    'h2',
    'button',
    'svg',
    'div role="button"',
    'span class="sr-only"',
    'div aria-hidden="true"',
    'div hidden',
    'div class="whitespace-pre-wrap"',
    'div style="white-space: pre-wrap"',
    'ms-node',
    'span class="ic"',
    'div class="chrome"',
    'div class="card"',
    'div class="lang"',
    'x-block',
    'details',
    'del',
  );
  const voids = fc.constantFrom(
    '<br>',
    '<hr>',
    '<img alt="">',
    '<img alt="chart">',
    '<img src="a.png" width="16">',
    '<img src="b.png">',
    '<canvas></canvas>',
    '<iframe title="t"></iframe>',
  );
  const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      voids,
      fc.tuple(opening, fc.array(tie('node'), { maxLength: 4 })).map(([open, children]) => {
        const tag = open.split(' ')[0] as string;
        return `<${open}>${children.join('')}</${tag}>`;
      }),
    ),
  })).node;
  const options: MarkdownOptions = {
    skip: (element) => element.classList.contains('chrome'),
    unwrap: (element) => element.localName === 'ms-node',
    isInlineCode: (element) => element.classList.contains('ic'),
    placeholder: (element) => (element.classList.contains('card') ? { kind: 'file', name: null } : null),
    codeLanguage: () => null,
  };

  it('gives the answer reading everything gives, on random trees', () => {
    const { document, close } = parsePage('https://example.com/', '<main id="root"></main>');
    closers.push(close);
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 4 }), fc.boolean(), (children, withRules) => {
        const root = document.createElement('main');
        root.innerHTML = children.join('');
        const rules = withRules ? options : {};
        expect(hasText(root, rules), root.innerHTML).toBe(toMarkdown(root, rules) !== '');
      }),
      { numRuns: 2_000 },
    );
  });
});
