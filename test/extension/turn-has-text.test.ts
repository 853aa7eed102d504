import { afterEach, describe, expect, it } from 'vitest';
import { readTurn, turnHasText } from '../../extension/src/capture/capture-response.ts';
import { hasMarkdown, toMarkdown } from '../../extension/src/capture/to-markdown.ts';
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

describe('hasMarkdown', () => {
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
    expect(hasMarkdown(root)).toBe(toMarkdown(root) !== '');
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
    expect(hasMarkdown(root, { skip })).toBe(true);
    expect(read).toEqual(['First.']);
  });
});
