import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { type Queue, type QueueAnswer, queueCreateSchema, queueItemIdFor } from '../../shared/index.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let serial = 0;

function makeQueue(settings: Partial<Queue> = {}): Queue {
  serial += 1;
  const parsed = queueCreateSchema.parse({ id: `q-${serial}`, name: `Queue ${serial}`, leaseSeconds: 60, ...settings });
  const { filter: _filter, ...queue } = parsed;
  return { ...queue, ...settings, createdAt: T0.toISOString(), createdBy: 'lead' } as Queue;
}

function answerOf(queue: Queue, itemId: string, annotator: string, when: Date, status: 'done' | 'skipped' = 'done') {
  const answer: Omit<QueueAnswer, 'leasedAt'> = {
    queueId: queue.id,
    itemId,
    annotator,
    status,
    thumb: status === 'done' ? 'up' : null,
    score: null,
    comment: '',
    correction: null,
    rubric: {},
    preference: null,
    shownOrder: null,
    preferred: null,
    reason: status === 'skipped' ? 'off topic' : null,
    answeredAt: when.toISOString(),
  };
  return answer;
}

describe.each(STORE_KINDS)('campaign queue store (%s)', (kind) => {
  let stores: Stores;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    ({ stores, remove } = await openTestStores(kind, 'queues'));
  }, 120_000);
  afterAll(async () => remove?.());

  async function queueWith(items: number, settings: Partial<Queue> = {}): Promise<{ queue: Queue; ids: string[] }> {
    const queue = makeQueue(settings);
    expect(await stores.queues.create(queue)).toBe(true);
    const ids = Array.from({ length: items }, (_, index) => queueItemIdFor(queue.id, `key-${index}`));
    const added = await stores.queues.addItems(
      queue,
      ids.map((id, index) => ({
        id,
        queueId: queue.id,
        key: `key-${index}`,
        origin: 'api' as const,
        messages: [],
        response: `Response ${index}`,
        responses: null,
        model: null,
        url: null,
        metadata: {},
        createdAt: T0.toISOString(),
      })),
    );
    expect(added).toEqual({ added: items, present: 0 });
    return { queue, ids };
  }

  it('refuses a second queue with the same id and keeps items unique by key', async () => {
    const { queue, ids } = await queueWith(2);
    expect(await stores.queues.create(queue)).toBe(false);
    const stored = await stores.queues.getItem(queue.id, ids[0] as string);
    if (stored === undefined) throw new Error('the item was not stored');
    const { position: _position, ...item } = stored;
    const again = await stores.queues.addItems(queue, [{ ...item, response: 'changed' }]);
    expect(again).toEqual({ added: 0, present: 1 });
    expect((await stores.queues.getItem(queue.id, ids[0] as string))?.response).toBe('Response 0');
  });

  it('serves oldest first, serves a held lease again, and never serves an answered item to the same annotator', async () => {
    const { queue, ids } = await queueWith(3, { overlap: 2 });
    const first = await stores.queues.lease(queue, 'ada', at(0));
    expect(first.item?.id).toBe(ids[0]);
    expect(first.remaining).toBe(2);
    expect((await stores.queues.lease(queue, 'ada', at(1))).item?.id).toBe(ids[0]);
    const recorded = await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'ada', at(30)), at(30));
    expect(recorded).toMatchObject({ ok: true, answer: { leasedAt: at(0).toISOString() } });
    expect((await stores.queues.lease(queue, 'ada', at(31))).item?.id).toBe(ids[1]);
    expect(await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'ada', at(32)), at(32))).toEqual({
      ok: false,
      reason: 'answered',
    });
  });

  it('counts active leases as taken slots, and an expired lease returns its item', async () => {
    const { queue, ids } = await queueWith(1, { overlap: 1, leaseSeconds: 60 });
    expect((await stores.queues.lease(queue, 'ada', at(0))).item?.id).toBe(ids[0]);
    expect(await stores.queues.lease(queue, 'bob', at(10))).toMatchObject({ item: null, remaining: 0 });
    // bob may not answer past ada's lease while it holds the only slot.
    expect(await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'bob', at(11)), at(11))).toEqual({
      ok: false,
      reason: 'held',
    });
    const after = await stores.queues.lease(queue, 'bob', at(61));
    expect(after.item?.id).toBe(ids[0]);
    expect(await stores.queues.leases(queue.id, at(61))).toHaveLength(1);
    // ada's lease expired and bob holds the slot now: ada's late answer is refused, bob's taken.
    expect(await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'ada', at(62)), at(62))).toEqual({
      ok: false,
      reason: 'held',
    });
    expect((await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'bob', at(63)), at(63))).ok).toBe(true);
    expect(await stores.queues.record(queue, answerOf(queue, ids[0] as string, 'cy', at(64)), at(64))).toEqual({
      ok: false,
      reason: 'complete',
    });
  });

  it('records a skip with its reason, frees the slot, and never serves the item to the skipper again', async () => {
    const { queue, ids } = await queueWith(1, { overlap: 1 });
    await stores.queues.lease(queue, 'ada', at(0));
    const skipped = await stores.queues.record(
      queue,
      answerOf(queue, ids[0] as string, 'ada', at(5), 'skipped'),
      at(5),
    );
    expect(skipped).toMatchObject({ ok: true, answer: { status: 'skipped', reason: 'off topic' } });
    expect(await stores.queues.lease(queue, 'ada', at(6))).toMatchObject({ item: null, remaining: 0 });
    expect((await stores.queues.lease(queue, 'bob', at(7))).item?.id).toBe(ids[0]);
  });

  it('serves a random queue in the order its seed gives, the same on every read', async () => {
    const { queue } = await queueWith(8, { order: 'random', seed: 7 });
    const listed = async () =>
      (await stores.queues.listItems(queue, { limit: 8, offset: 0 }, at(0))).items.map((item) => item.id);
    const order = await listed();
    expect(await listed()).toEqual(order);
    const served: string[] = [];
    for (let step = 0; step < 8; step++) {
      const { item } = await stores.queues.lease(queue, 'ada', at(step));
      if (item === null) break;
      served.push(item.id);
      await stores.queues.record(queue, answerOf(queue, item.id, 'ada', at(step)), at(step));
    }
    expect(served).toEqual(order);
    // Not the insertion order (1, 2, …, 8): seed 7 shuffles these eight.
    const rows = (await stores.queues.listItems(queue, { limit: 8, offset: 0 }, at(0))).items;
    expect(rows.map((row) => row.position)).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('never records more than N completed answers when 50 annotators lease and answer the last open slot at once', async () => {
    const { queue, ids } = await queueWith(1, { overlap: 3 });
    const item = ids[0] as string;
    for (const name of ['first', 'second']) {
      await stores.queues.lease(queue, name, at(0));
      expect((await stores.queues.record(queue, answerOf(queue, item, name, at(1)), at(1))).ok).toBe(true);
    }
    // Every connection of the pool open first (transactions each hold one), so the 50 really run side by side.
    const { queue: warm } = await queueWith(1, { overlap: 50 });
    await Promise.all(Array.from({ length: 20 }, (_, index) => stores.queues.lease(warm, `warm-${index}`, at(2))));
    // Half lease first, half answer straight away: both paths meet at the last slot.
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const name = `annotator-${index}`;
        if (index % 2 === 0) await stores.queues.lease(queue, name, at(2));
        return stores.queues.record(queue, answerOf(queue, item, name, at(3)), at(3));
      }),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    // The others are told the item is complete, or (before the winner answered) that its slot is leased.
    for (const result of results.filter((result) => !result.ok))
      expect(['complete', 'held']).toContain(!result.ok && result.reason);
    const done = (await stores.queues.answers(queue.id)).filter((answer) => answer.status === 'done');
    expect(done).toHaveLength(3);
  });
});
