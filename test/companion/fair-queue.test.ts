import { describe, expect, it } from 'vitest';
import { FairQueue, type Turn } from '../../companion/src/support/fair-queue.ts';

/** Enters a turn and records, in `log`, when it starts. */
function enter(queue: FairQueue, key: string, log: string[], label = key): Turn {
  const turn = queue.enter(key);
  if (turn === undefined) throw new Error(`${label} was refused`);
  turn.ready.then(() => log.push(label));
  return turn;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FairQueue', () => {
  it('serves waiting keys round robin: a key with many turns waiting gets one per round', async () => {
    const queue = new FairQueue({ concurrency: 1, perKey: 1, maxWaiting: 10 });
    const log: string[] = [];
    const turns = [
      enter(queue, 'flood', log, 'flood-1'),
      enter(queue, 'flood', log, 'flood-2'),
      enter(queue, 'flood', log, 'flood-3'),
      enter(queue, 'flood', log, 'flood-4'),
      enter(queue, 'alice', log, 'alice-1'),
      enter(queue, 'bob', log, 'bob-1'),
      enter(queue, 'alice', log, 'alice-2'),
    ];
    await settle();
    expect(log).toEqual(['flood-1']);
    // Each release lets exactly the next one in.
    for (let step = 0; step < turns.length; step++) {
      const running = turns.find((_, index) => log[step] === labelOf(index));
      running?.release();
      await settle();
    }
    expect(log).toEqual(['flood-1', 'alice-1', 'bob-1', 'flood-2', 'alice-2', 'flood-3', 'flood-4']);
    expect(queue.size).toEqual({ running: 0, waiting: 0, keys: 0 });

    function labelOf(index: number): string {
      return ['flood-1', 'flood-2', 'flood-3', 'flood-4', 'alice-1', 'bob-1', 'alice-2'][index] as string;
    }
  });

  it('refuses a key past its running and waiting allowance, and others still get in', async () => {
    const queue = new FairQueue({ concurrency: 2, perKey: 1, maxWaiting: 2 });
    const log: string[] = [];
    const first = enter(queue, 'flood', log, 'f1');
    enter(queue, 'flood', log, 'f2');
    enter(queue, 'flood', log, 'f3');
    expect(queue.enter('flood')).toBeUndefined();
    enter(queue, 'alice', log, 'a1');
    await settle();
    // One per key at once: the flood runs one, alice the other slot.
    expect(log).toEqual(['f1', 'a1']);
    expect(queue.size).toEqual({ running: 2, waiting: 2, keys: 2 });
    first.release();
    first.release(); // twice is harmless
    await settle();
    expect(log).toEqual(['f1', 'a1', 'f2']);
    expect(queue.enter('flood')).toBeDefined();
  });

  it('a turn given up while waiting leaves the line and never starts', async () => {
    const queue = new FairQueue({ concurrency: 1, perKey: 1, maxWaiting: 3 });
    const log: string[] = [];
    const running = enter(queue, 'a', log, 'a1');
    const gone = enter(queue, 'b', log, 'b1');
    enter(queue, 'c', log, 'c1');
    await settle();
    gone.release();
    running.release();
    await settle();
    expect(log).toEqual(['a1', 'c1']);
    expect(queue.size).toEqual({ running: 1, waiting: 0, keys: 1 });
  });

  it('rejects settings that could never start a turn', () => {
    expect(() => new FairQueue({ concurrency: 0, perKey: 1, maxWaiting: 0 })).toThrow(RangeError);
  });

  it('hands out turns only after what arrived in the same tick has entered the line', async () => {
    const queue = new FairQueue({ concurrency: 1, perKey: 1, maxWaiting: 3 });
    const log: string[] = [];
    // Within one tick: the flood's three, then alice's one. Alice goes second, not fourth.
    const flood = [
      enter(queue, 'flood', log, 'f1'),
      enter(queue, 'flood', log, 'f2'),
      enter(queue, 'flood', log, 'f3'),
    ];
    const alice = enter(queue, 'alice', log, 'a1');
    expect(log).toEqual([]);
    await settle();
    expect(log).toEqual(['f1']);
    flood[0]?.release();
    await settle();
    expect(log).toEqual(['f1', 'a1']);
    alice.release();
    await settle();
    expect(log).toEqual(['f1', 'a1', 'f2']);
    flood[1]?.release();
    await settle();
    expect(log).toEqual(['f1', 'a1', 'f2', 'f3']);
  });
});
