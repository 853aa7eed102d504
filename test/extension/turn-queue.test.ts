import { Window } from 'happy-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTurnQueue, type PendingTurn } from '../../extension/src/annotate/turn-queue.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A page with one streaming response (`#t1`, its text `.text`) and a composer, and a queue over it. */
function page() {
  const window = new Window();
  const document = window.document;
  document.body.innerHTML =
    '<main><section class="turn" id="t1"><div class="text">a</div><div class="bar"></div></section><form><button id="stop"></button></form></main>';
  const turn = document.querySelector('#t1') as unknown as Element;
  const text = document.querySelector('.text') as unknown as Element;
  let streaming = true;
  const handled: number[] = [];
  const queue = createTurnQueue(
    '.turn',
    { isValid: true },
    {
      handle(_element, waiting, now): PendingTurn | null {
        handled.push(now);
        return streaming ? { content: text, since: waiting?.since ?? now, reason: 'streaming' } : null;
      },
      flushed: () => undefined,
      changed: () => undefined,
      near: () => true,
      removed: () => undefined,
      mutated: () => undefined,
      stop: () => undefined,
    },
  );
  /** A mutation record as the page observer hands it over: `target` changed, `added` nodes in it. */
  const record = (target: unknown, added: unknown[] = []) =>
    ({ type: 'childList', target, addedNodes: added, removedNodes: [] }) as unknown as MutationRecord;
  return {
    document,
    turn,
    text,
    queue,
    handled,
    record,
    finish() {
      streaming = false;
    },
  };
}

describe('turn queue', () => {
  it('re-checks a streaming response at once on a change outside its text (the finished signal)', () => {
    vi.useFakeTimers();
    const { document, turn, queue, handled, record, finish } = page();
    queue.add([turn]);
    vi.advanceTimersByTime(0);
    expect(handled).toHaveLength(1);
    expect(queue.pending.has(turn)).toBe(true);

    vi.advanceTimersByTime(20);
    finish();
    // The stop button goes away: outside any turn.
    queue.onMutations([record(document.querySelector('form'))]);
    expect(handled).toHaveLength(2);
    expect(queue.pending.size).toBe(0);
  });

  it('handles a change inside the turn but outside its text (the action bar) at once too', () => {
    vi.useFakeTimers();
    const { document, turn, queue, handled, record, finish } = page();
    queue.add([turn]);
    vi.advanceTimersByTime(20);
    finish();
    queue.onMutations([record(document.querySelector('.bar'), [document.createElement('button')])]);
    expect(handled).toHaveLength(2);
    expect(queue.pending.size).toBe(0);
  });

  it('re-checks at most once per 10 ms while things change next to a streaming response', () => {
    vi.useFakeTimers();
    const { document, turn, queue, handled, record } = page();
    queue.add([turn]);
    vi.advanceTimersByTime(20);
    const form = document.querySelector('form');
    queue.onMutations([record(form)]);
    expect(handled).toHaveLength(2);
    // Within 10 ms of that flush: the next changes wait for one timer, however many there are.
    for (let change = 0; change < 5; change++) {
      vi.advanceTimersByTime(1);
      queue.onMutations([record(form)]);
    }
    expect(handled).toHaveLength(2);
    vi.advanceTimersByTime(10);
    expect(handled).toHaveLength(3);
    expect(handled[2] as number).toBeGreaterThanOrEqual((handled[1] as number) + 10);
  });

  it('leaves text streaming into the response to the slower re-check', () => {
    vi.useFakeTimers();
    const { document, turn, text, queue, handled, record } = page();
    queue.add([turn]);
    vi.advanceTimersByTime(20);
    queue.onMutations([record(text, [document.createElement('span')])]);
    expect(handled).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(handled).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(handled).toHaveLength(2);
  });
});
