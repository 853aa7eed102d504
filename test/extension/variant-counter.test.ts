import { afterEach, describe, expect, it } from 'vitest';
import { variantCounter } from '../../extension/src/sites/structure.ts';
import { parsePage } from './site-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function find(html: string): ReturnType<typeof variantCounter> {
  const { document, close } = parsePage('https://example.com/', `<section id="turn">${html}</section>`);
  closers.push(close);
  const root = document.getElementById('turn') as Element;
  return variantCounter(root, document.getElementById('body'));
}

describe('variantCounter', () => {
  it('finds a "2 / 3" leaf outside the message body, however deep', () => {
    expect(find('<div id="body"><p>text</p></div><div><div><button><span>2 / 3</span></button></div></div>')).toEqual({
      index: 2,
      count: 3,
    });
  });

  it('never reads the message body, where such text is content', () => {
    expect(find('<div id="body"><p>1 / 2</p><div><span>3 of 4</span></div></div><div>Copy</div>')).toBeNull();
  });

  it('takes the first counter in document order, and only span, div or p leaves', () => {
    expect(find('<b>5 / 6</b><div><span>x</span><p>1 of 2</p></div><span>3 / 4</span>')).toEqual({
      index: 1,
      count: 2,
    });
  });

  it('finds nothing when the root is inside the excluded element', () => {
    const { document, close } = parsePage(
      'https://example.com/',
      '<div id="body"><div id="root"><span>1 / 2</span></div></div>',
    );
    closers.push(close);
    expect(variantCounter(document.getElementById('root') as Element, document.getElementById('body'))).toBeNull();
  });
});
