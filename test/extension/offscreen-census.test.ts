import { afterEach, describe, expect, it } from 'vitest';
import { createOffscreenCensus } from '../../extension/src/annotate/offscreen-census.ts';
import chatgpt from '../../extension/src/sites/chatgpt.ts';
import { answer, assistantTurn, LONG_CHAT_URL, userTurn } from '../support/long-chat-page.ts';
import { parsePage } from './site-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A thread of `pairs` finished pairs and one streaming answer, its turns, and a census over them. */
function thread(pairs: number) {
  let html = '';
  for (let n = 1; n <= pairs * 2; n += 2) html += userTurn(n) + assistantTurn(n + 1, true, answer(n + 1));
  html += userTurn(pairs * 2 + 1) + assistantTurn(pairs * 2 + 2, false, '<p>Streaming</p>');
  const { document, close } = parsePage(LONG_CHAT_URL, `<main><div id="turns">${html}</div><form></form></main>`);
  closers.push(close);
  const near = new Set<Element>();
  let tell: (turns: Element[]) => void = () => {};
  const viewport = {
    isNear: (turn: Element) => near.has(turn),
    onFarNoMore: (listener: (turns: Element[]) => void) => {
      tell = listener;
    },
  };
  let sorts = 0;
  const census = createOffscreenCensus(chatgpt, document, viewport, () => {
    sorts += 1;
  });
  const turns = Array.from(document.querySelectorAll(chatgpt.turnSelector));
  return { document, census, turns, near, tell: (turns: Element[]) => tell(turns), sorted: () => sorts };
}

async function sorted(census: ReturnType<typeof thread>): Promise<void> {
  const before = census.sorted();
  await expect.poll(() => census.sorted()).toBeGreaterThan(before);
}

describe('the census of responses far from the viewport', () => {
  it('counts the finished far responses and the streaming one, then forgets those that come near or leave', async () => {
    const page = thread(5);
    page.census.add(page.turns);
    await sorted(page);
    expect(page.census.counts()).toMatchObject({ ready: 5, streaming: 1, withoutAnchor: 0 });

    // Two finished answers come near (the annotator handles them from then on); one leaves the page.
    const [first, second, third] = page.turns.filter((turn) => turn.getAttribute('data-turn') === 'assistant');
    page.near.add(first as Element);
    page.near.add(second as Element);
    page.tell([first as Element, second as Element]);
    third?.remove();
    page.tell([third as Element]);
    expect(page.census.counts()).toMatchObject({ ready: 2, streaming: 1 });
  });

  it('moves the streaming response to the finished ones when it finishes', async () => {
    const page = thread(2);
    page.census.add(page.turns);
    await sorted(page);
    expect(page.census.counts()).toMatchObject({ ready: 2, streaming: 1 });
    const last = page.turns.at(-1) as Element;
    last.querySelector('.result-streaming')?.classList.remove('result-streaming');
    last
      .querySelector('.justify-start')
      ?.insertAdjacentHTML(
        'beforeend',
        '<div role="group"><button data-testid="copy-turn-action-button">Copy</button></div>',
      );
    expect(page.census.counts()).toMatchObject({ ready: 3, streaming: 0 });
  });
});
