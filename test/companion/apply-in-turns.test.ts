import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import type { AppliedChangeSet, ApplyOptions, ChangeSet } from '../../companion/src/storage/store.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { applyInTurns } from '../../companion/src/sync/apply-in-turns.ts';
import type { Comparison } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { openTestStores, STORE_KINDS, type TestDatabase } from '../support/stores.ts';

interface Opened {
  stores: Stores;
  database: TestDatabase;
}

function makeComparison(a: string, b: string): Comparison {
  return {
    schemaVersion: 1,
    id: `cmp-${a}-${b}`,
    a,
    b,
    winner: 'a',
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
  };
}

/** A push of every kind, with one id edited twice inside it (its versions fall in different turns). */
function makePush(): ChangeSet {
  const annotations = Array.from({ length: 9 }, (_, i) => makeAnnotation({ messageId: `turns-${i}` }));
  const first = annotations[0] as (typeof annotations)[number];
  const edited = { ...first, revision: 2, updatedAt: '2026-11-02T10:00:00.000Z', comment: 'second thoughts' };
  return {
    deviceId: 'device-a',
    receivedAt: '2026-11-03T10:00:00.000Z',
    annotations: [...annotations, edited],
    comparisons: [makeComparison(first.id, (annotations[1] as typeof first).id)],
    conversationRatings: [makeConversationRating(), makeConversationRating()],
  };
}

/** What a store holds, with sequence numbers left out (two stores number the same records alike anyway). */
async function contents({ stores, database }: Opened) {
  const page = await stores.sync.changesSince(0, 1_000);
  return {
    annotations: page.annotations,
    comparisons: page.comparisons,
    conversationRatings: page.conversationRatings,
    history: await database.query('SELECT kind, id, hash FROM history ORDER BY kind, id, hash'),
  };
}

const statuses = (applied: AppliedChangeSet) => ({
  annotations: applied.annotations.map((result) => result.status),
  comparisons: applied.comparisons.map((result) => result.status),
  conversationRatings: applied.conversationRatings.map((result) => result.status),
});

describe.each(STORE_KINDS)('a push applied in turns (%s)', (kind) => {
  const opened: Array<{ remove(): Promise<void> }> = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.remove();
  });
  async function open() {
    const store = await openTestStores(kind, 'turns');
    opened.push(store);
    return store;
  }

  it('answers and stores exactly what one transaction does, whatever the turn size', async () => {
    const push = makePush();
    const whole = await open();
    const expected = await applyInTurns(whole.stores.sync, push, Number.POSITIVE_INFINITY);
    for (const size of [1, 3, 4, 12]) {
      const turns = await open();
      const applied = await applyInTurns(turns.stores.sync, push, size);
      expect(statuses(applied), `turns of ${size}`).toEqual(statuses(expected));
      expect(applied.annotations.map((result) => result.seq)).toEqual(expected.annotations.map((result) => result.seq));
      expect(applied.checkpoint).toBe(expected.checkpoint);
      expect(await contents(turns), `turns of ${size}`).toEqual(await contents(whole));
    }
    expect(statuses(expected).annotations).toEqual([...Array(9).fill('accepted'), 'accepted']);
  });

  it('a push cut off after some turns is stored in part, and its replay completes it with every stored record unchanged', async () => {
    const push = makePush();
    const opened = await open();
    const { stores } = opened;
    let turns = 0;
    const failing = {
      applyChanges(changes: ChangeSet) {
        turns += 1;
        if (turns === 3) return Promise.reject(new Error('killed'));
        return stores.sync.applyChanges(changes);
      },
    };
    await expect(applyInTurns(failing, push, 4)).rejects.toThrow('killed');
    // Two turns of four committed: what the client never heard back about may be partly stored.
    expect((await stores.sync.changesSince(0, 1_000)).annotations).toHaveLength(8);

    const replay = await applyInTurns(stores.sync, push, 4);
    expect(statuses(replay)).toEqual({
      annotations: [...Array(8).fill('unchanged'), 'accepted', 'accepted'],
      comparisons: ['accepted'],
      conversationRatings: ['accepted', 'accepted'],
    });
    const whole = await open();
    await applyInTurns(whole.stores.sync, push, Number.POSITIVE_INFINITY);
    expect(await contents(opened)).toEqual(await contents(whole));
  });
});

describe('the flush of a push in turns', () => {
  it('waits for the disk once, at the last turn, and at every call of a push that fits one turn', async () => {
    const flushes: Array<boolean | undefined> = [];
    const recording = {
      async applyChanges(changes: ChangeSet, options?: ApplyOptions): Promise<AppliedChangeSet> {
        flushes.push(options?.flush);
        const none = { annotations: [], comparisons: [], conversationRatings: [], checkpoint: 0 };
        return {
          ...none,
          annotations: changes.annotations.map(() => ({ status: 'accepted' as const, seq: 1 })),
          comparisons: changes.comparisons.map(() => ({ status: 'accepted' as const, seq: 1 })),
          conversationRatings: (changes.conversationRatings ?? []).map(() => ({ status: 'accepted' as const, seq: 1 })),
        };
      },
    };
    // 10 annotations, 1 comparison, 2 ratings: turns of 4, 4, 4, 1.
    await applyInTurns(recording, makePush(), 4);
    expect(flushes).toEqual([false, false, false, true]);
    flushes.length = 0;
    await applyInTurns(recording, makePush(), 13);
    expect(flushes.every((flush) => flush !== false)).toBe(true);
  });

  it('on SQLite, a turn that does not flush leaves the connection flushing every later commit (synchronous = FULL)', async () => {
    const { stores, remove } = await openTestStores('sqlite', 'turns-flush');
    try {
      const database = (stores.sync as SqliteStore).database;
      expect(database.pragma('synchronous', { simple: true })).toBe(2);
      const push = makePush();
      const applied = await stores.sync.applyChanges(
        { ...push, annotations: push.annotations.slice(0, 3) },
        { flush: false },
      );
      expect(applied.annotations.map((result) => result.status)).toEqual(['accepted', 'accepted', 'accepted']);
      expect(database.pragma('synchronous', { simple: true })).toBe(2);
      // A turn the database refuses (a record without an id) still puts FULL back.
      const broken = { ...push, annotations: [{ ...push.annotations[3], id: null }] } as unknown as ChangeSet;
      await expect(stores.sync.applyChanges(broken, { flush: false })).rejects.toThrow();
      expect(database.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      await remove();
    }
  });
});

describe('turns on SQLite', () => {
  it('lets the event loop serve what waits between two turns, and answers only after the last', async () => {
    const { stores, remove } = await openTestStores('sqlite', 'turns-loop');
    try {
      const push = makePush();
      const stored = () => stores.sync.changesSince(0, 1_000).then((page) => page.annotations.length);
      let settled = false;
      const applying = applyInTurns(stores.sync, push, 3).then((applied) => {
        settled = true;
        return applied;
      });
      // A reader queued while the first turn ran gets the loop before the second turn starts.
      await nextTurn();
      expect(await stored()).toBe(3);
      expect(settled).toBe(false);
      const applied = await applying;
      expect(await stored()).toBe(9);
      expect(applied.annotations).toHaveLength(10);
    } finally {
      await remove();
    }
  });
});
