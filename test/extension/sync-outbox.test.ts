import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveAnnotation } from '../../extension/src/db/annotations.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import type { OutboxEntry } from '../../extension/src/db/sync-tables.ts';
import { applyPulledPage, applyRemoteVersion, syncTables } from '../../extension/src/sync/apply-remote.ts';
import { backoffDelayMs, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, retryAfterMs } from '../../extension/src/sync/backoff.ts';
import { chooseVersion } from '../../extension/src/sync/choose-version.ts';
import { countPending, queueEverything, readBatch, settlePush } from '../../extension/src/sync/outbox.ts';
import { readMeta } from '../../extension/src/sync/sync-meta.ts';
import type { AnnotationInput } from '../../extension/src/utils/annotation-input.ts';
import { type Annotation, type SyncPushResponse, upgradeAnnotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { V1_ANNOTATIONS, V1_SCHEMA } from './sync-fixtures/dexie-v1.ts';

let db: AppDB;
let clock: Date;
let ids: number;

beforeEach(() => {
  db = new AppDB(`margin-sync-${Math.random()}`);
  clock = new Date('2026-09-01T10:00:00.000Z');
  ids = 0;
});
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

function input(changes: AnnotationInput['changes'], messageId = 'msg-1', conversationId = 'conv-1'): AnnotationInput {
  return {
    capture: {
      site: 'chatgpt',
      url: `https://chatgpt.com/c/${conversationId}`,
      conversationId,
      messageId,
      model: 'gpt-5-3',
      modelSource: 'message',
      context: [{ role: 'user', content: 'Hi' }],
      response: `Hello from ${messageId}`,
      variant: null,
      missingContextTurns: 0,
    },
    changes,
  };
}

function save(changes: AnnotationInput['changes'], messageId = 'msg-1', conversationId = 'conv-1') {
  clock = new Date(clock.getTime() + 1000);
  return saveAnnotation(db, input(changes, messageId, conversationId), {
    annotator: 'ada',
    defaultTags: [],
    now: () => clock,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  });
}

function accepted(entries: OutboxEntry[], firstSeq = 1): SyncPushResponse {
  return {
    annotations: entries.map((entry, index) => ({ index, id: entry.id, status: 'accepted', seq: firstSeq + index })),
    comparisons: [],
    checkpoint: firstSeq + entries.length - 1,
  };
}

describe('the outbox', () => {
  it('queues every committed save in the same transaction, one entry per record in its latest version', async () => {
    let committed = 0;
    db.outboxListeners.add(() => committed++);
    const first = await save({ thumb: 'up' });
    await save({ score: 80 });
    await save({ thumb: 'down' }, 'msg-2');
    const entries = await db.outbox.toArray();
    expect(entries.map((entry) => [entry.id, entry.record.revision, entry.state])).toEqual([
      [first.id, 2, 'pending'],
      ['00000000-0000-4000-8000-000000000002', 1, 'pending'],
    ]);
    expect(entries[0]?.record).toEqual(await db.annotations.get(first.id));
    expect(committed).toBe(3);
    expect(await countPending(db)).toEqual({ pending: 2, rejected: 0 });
  });

  it('queues nothing when the save fails', async () => {
    await expect(save({ comment: 'x'.repeat(20_001) })).rejects.toThrow(/comment/);
    expect(await db.outbox.count()).toBe(0);
  });

  it('also queues writes made with put and update outside saveAnnotation', async () => {
    const annotation = makeAnnotation();
    await db.annotations.put(annotation);
    await db.annotations.update(annotation.id, { score: 12, revision: 2 });
    const [entry] = await db.outbox.toArray();
    expect(entry?.record).toMatchObject({ id: annotation.id, score: 12, revision: 2 });
  });

  it('does not queue versions the sync engine writes (a transaction that names the outbox)', async () => {
    await db.transaction('rw', syncTables(db), async () => {
      await db.annotations.put(makeAnnotation());
    });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.annotations.count()).toBe(1);
  });

  it('reads batches oldest first, within the record and byte limits, skipping rejected entries', async () => {
    for (let n = 0; n < 5; n++) await save({ thumb: 'up' }, `m-${n}`);
    const all = await readBatch(db);
    expect(all.map((entry) => (entry.record as Annotation).messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    expect((await readBatch(db, { records: 2, bytes: 1e9 })).length).toBe(2);
    // One record over the byte limit still goes, alone.
    expect((await readBatch(db, { records: 10, bytes: 10 })).length).toBe(1);
    await settlePush(db, all.slice(0, 1), {
      annotations: [
        { index: 0, id: all[0]?.id ?? null, status: 'rejected', issues: [{ path: 'score', message: 'no' }] },
      ],
      comparisons: [],
      checkpoint: 0,
    });
    expect((await readBatch(db)).map((entry) => (entry.record as Annotation).messageId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
      'm-4',
    ]);
    expect(await countPending(db)).toEqual({ pending: 4, rejected: 1 });
  });
});

describe('settling a push', () => {
  it('marks a record synced only if the outbox still holds the version that was sent', async () => {
    const saved = await save({ thumb: 'up' });
    const sent = await readBatch(db);
    // A newer edit lands while the push is in flight.
    await save({ score: 90 });
    const settled = await settlePush(db, sent, accepted(sent));
    expect(settled).toMatchObject({ synced: 0, editedMeanwhile: 1 });
    const [entry] = await db.outbox.toArray();
    expect(entry?.record).toMatchObject({ id: saved.id, revision: 2, score: 90 });
    // Its own acknowledgement clears it.
    const next = await readBatch(db);
    expect((await settlePush(db, next, accepted(next, 2))).synced).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it('treats unchanged (a replay) as synced, and keeps a rejected record with its issues without retrying it', async () => {
    await save({ thumb: 'up' }, 'a');
    await save({ thumb: 'up' }, 'b');
    const sent = await readBatch(db);
    await settlePush(db, sent, {
      annotations: [
        { index: 0, id: sent[0]?.id ?? null, status: 'unchanged', seq: 4 },
        { index: 1, id: sent[1]?.id ?? null, status: 'rejected', issues: [{ path: 'tags.0', message: 'too long' }] },
      ],
      comparisons: [],
      checkpoint: 4,
    });
    const left = await db.outbox.toArray();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      id: sent[1]?.id,
      state: 'rejected',
      issues: [{ path: 'tags.0', message: 'too long' }],
    });
    // A new edit of the rejected record queues it again.
    await save({ comment: 'fixed' }, 'b');
    expect(await countPending(db)).toEqual({ pending: 1, rejected: 0 });
  });

  it('takes the winner the companion sends back for a superseded version', async () => {
    const mine = await save({ thumb: 'up' });
    const sent = await readBatch(db);
    const winner: Annotation = {
      ...mine,
      thumb: 'down',
      comment: 'edited in the dashboard',
      revision: 2,
      updatedAt: '2026-09-02T00:00:00.000Z',
    };
    await settlePush(db, sent, {
      annotations: [{ index: 0, id: mine.id, status: 'superseded', seq: 7, current: winner }],
      comparisons: [],
      checkpoint: 7,
    });
    expect(await db.annotations.get(mine.id)).toEqual(winner);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refuses an answer whose results do not match the records sent, and marks nothing', async () => {
    await save({ thumb: 'up' }, 'a');
    await save({ thumb: 'up' }, 'b');
    const sent = await readBatch(db);
    await expect(settlePush(db, sent, accepted(sent.slice(0, 1)))).rejects.toThrow(/1 results for 2 records/);
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('the conflict rule, applied locally', () => {
  const base = makeAnnotation({ revision: 3, updatedAt: '2026-11-01T10:00:00.000Z' });
  it.each([
    ['a higher revision', { revision: 4 }, 'remote'],
    ['a lower revision, even if later', { revision: 2, updatedAt: '2026-12-01T00:00:00.000Z' }, 'local'],
    ['the same revision, later', { updatedAt: '2026-11-01T10:00:01.000Z', comment: 'x' }, 'remote'],
    ['the same revision, later in another offset', { updatedAt: '2026-11-01T11:00:01.000+01:00' }, 'remote'],
    ['a tombstone with a lower revision', { revision: 1, deletedAt: '2026-11-01T09:00:00.000Z' }, 'remote'],
  ] as const)('a pulled version with %s', (_what, change, expected) => {
    expect(chooseVersion(base, { ...base, ...change }, true)).toBe(expected);
  });

  it('sees the same data with keys in another order as the same version', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as Annotation;
    expect(chooseVersion(base, reordered, true)).toBe('same');
  });

  it('keeps a pending local edit on a full tie (the companion arbitrates) and takes the companion otherwise', () => {
    const other = { ...base, comment: 'same revision and instant, other text' };
    expect(chooseVersion(base, other, true)).toBe('local');
    expect(chooseVersion(base, other, false)).toBe('remote');
    expect(chooseVersion(undefined, other, false)).toBe('remote');
  });
});

describe('applying pulled pages', () => {
  it('stores new records and the checkpoint together, and never clobbers a newer local edit', async () => {
    const local = await save({ thumb: 'up' });
    await save({ score: 70 }); // revision 2, pending
    const older = { ...local, comment: 'from another profile', revision: 1, updatedAt: '2026-09-05T00:00:00.000Z' };
    const fresh = makeAnnotation({ conversationId: 'conv-9' });
    const result = await applyPulledPage(db, {
      annotations: [older, fresh],
      comparisons: [],
      checkpoint: 12,
      hasMore: false,
    });
    expect(result).toEqual({ applied: 1, keptLocal: 1, conflictingKeys: 0 });
    expect(await db.annotations.get(local.id)).toMatchObject({ revision: 2, score: 70, comment: '' });
    expect(await db.annotations.get(fresh.id)).toEqual(fresh);
    expect(await readMeta(db, 'checkpoint')).toBe(12);
    // Pulled records are not pushed back.
    expect((await db.outbox.toArray()).map((entry) => entry.id)).toEqual([local.id]);
  });

  it('replaces a synced record with a newer remote edit (another profile, the dashboard)', async () => {
    const local = await save({ thumb: 'up' });
    const sent = await readBatch(db);
    await settlePush(db, sent, accepted(sent));
    const edited = { ...local, comment: 'dashboard edit', revision: 2, updatedAt: '2026-09-03T00:00:00.000Z' };
    await applyPulledPage(db, { annotations: [edited], comparisons: [], checkpoint: 2, hasMore: false });
    expect(await db.annotations.get(local.id)).toEqual(edited);
    expect(await db.outbox.count()).toBe(0);
  });

  it('keeps a losing local edit queued so the companion records it in its history', async () => {
    const local = await save({ thumb: 'up' });
    const tombstone = { ...local, deletedAt: '2026-09-02T00:00:00.000Z', updatedAt: '2026-09-02T00:00:00.000Z' };
    await applyPulledPage(db, { annotations: [tombstone], comparisons: [], checkpoint: 3, hasMore: false });
    expect(await db.annotations.get(local.id)).toEqual(tombstone);
    const [entry] = await db.outbox.toArray();
    expect(entry?.record).toEqual(local);
  });

  it('leaves a pulled annotation of a response this annotator already annotated here (another id) on the companion', async () => {
    const local = await save({ thumb: 'up' });
    const twin = { ...local, id: 'ffffffff-0000-4000-8000-000000000000', thumb: 'down' as const };
    const result = await applyPulledPage(db, { annotations: [twin], comparisons: [], checkpoint: 5, hasMore: false });
    expect(result.conflictingKeys).toBe(1);
    expect(await db.annotations.count()).toBe(1);
    expect(await readMeta(db, 'checkpoint')).toBe(5);
  });

  it('drops the own echo of a pushed version from the outbox (ack lost, then pulled)', async () => {
    const local = await save({ thumb: 'up' });
    // An async scope: Dexie tracks its transaction through async functions, not bare returned promises.
    await db.transaction('rw', syncTables(db), async () => {
      await applyRemoteVersion(db, 'annotation', local, { moveToEndOfOrder: true });
    });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('the export order', () => {
  it('follows the order the companion numbers records in: local edits, accepted pushes, pulls', async () => {
    const a = await save({ thumb: 'up' }, 'a');
    const b = await save({ thumb: 'up' }, 'b');
    const order = async () =>
      (
        await db.recordOrder
          .where('[kind+site+conversationId+seq]')
          .between(['annotation', 'chatgpt', 'conv-1', 0], ['annotation', 'chatgpt', 'conv-1', Infinity])
          .toArray()
      ).map((row) => row.id);
    expect(await order()).toEqual([a.id, b.id]);
    // The companion accepts b first, then a: it numbers them in that order.
    const sent = await readBatch(db);
    const reversed = [...sent].reverse();
    await settlePush(db, reversed, accepted(reversed));
    expect(await order()).toEqual([b.id, a.id]);
    // A pulled newer version of b moves b behind a.
    await applyPulledPage(db, {
      annotations: [{ ...b, revision: 5, updatedAt: '2026-10-01T00:00:00.000Z' }],
      comparisons: [],
      checkpoint: 3,
      hasMore: false,
    });
    expect(await order()).toEqual([a.id, b.id]);
  });
});

describe('database version 2', () => {
  it('upgrades a frozen version-1 database: annotations kept, each queued for push and placed in the export order', async () => {
    const name = `margin-v1-${Math.random()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(V1_SCHEMA);
    await v1.table('annotations').bulkPut(V1_ANNOTATIONS);
    v1.close();

    const upgraded = new AppDB(name);
    try {
      // Version 3 then rewrites them as annotation schema v2 (test/extension/schema-v2-dexie.test.ts).
      const current = V1_ANNOTATIONS.map((annotation) => upgradeAnnotation(annotation));
      expect(await upgraded.annotations.toArray()).toEqual([...current].sort((x, y) => (x.id < y.id ? -1 : 1)));
      const queued = await upgraded.outbox.toArray();
      expect(queued.map((entry) => [entry.kind, entry.id, entry.state])).toEqual(
        V1_ANNOTATIONS.map((annotation) => ['annotation', annotation.id, 'pending']).sort((x, y) =>
          (x[1] ?? '') < (y[1] ?? '') ? -1 : 1,
        ),
      );
      for (const entry of queued) expect(entry.record).toEqual(current.find((a) => a.id === entry.id));
      // Export order: the order they were last changed in.
      const order = (await upgraded.recordOrder.toArray()).sort((x, y) => x.seq - y.seq).map((row) => row.id);
      expect(order).toEqual(
        [...V1_ANNOTATIONS].sort((x, y) => Date.parse(x.updatedAt) - Date.parse(y.updatedAt)).map((a) => a.id),
      );
      expect(await readMeta(upgraded, 'orderCounter')).toBe(V1_ANNOTATIONS.length);
      // The next save continues the counter.
      await upgraded.annotations.put({ ...(current[0] as Annotation), revision: 9 });
      expect((await upgraded.recordOrder.get(['annotation', V1_ANNOTATIONS[0]?.id as string]))?.seq).toBe(
        V1_ANNOTATIONS.length + 1,
      );
    } finally {
      upgraded.close();
      await Dexie.delete(name);
    }
  });

  it('re-queues everything for a new companion, except what is queued already', async () => {
    await save({ thumb: 'up' }, 'a');
    await db.transaction('rw', syncTables(db), async () => {
      await db.annotations.put(makeAnnotation({ id: 'pulled-1' }));
    });
    expect(await db.outbox.count()).toBe(1);
    expect(await queueEverything(db, Date.now())).toBe(1);
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('backoff', () => {
  it('doubles from the sync interval up to the cap, with ±20 % jitter', () => {
    const noJitter = () => 0.5;
    expect([1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 30_000, noJitter))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect(backoffDelayMs(40, 30_000, noJitter)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelayMs(1, 30_000, () => 0)).toBe(24_000);
    expect(backoffDelayMs(1, 30_000, () => 1)).toBe(36_000);
    // An interval longer than the cap is never shortened.
    expect(backoffDelayMs(3, 3_600_000, noJitter)).toBe(3_600_000);
  });

  it('reads Retry-After in seconds or as an HTTP date, never shorter than a second or longer than an hour', () => {
    const now = Date.parse('2026-12-07T14:00:00.000Z');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 14:00:30 GMT', now)).toBe(30_000);
    // A date already past, zero, missing or unreadable: one second, never a retry at once.
    expect(retryAfterMs('Mon, 07 Dec 2026 13:00:00 GMT', now)).toBe(1_000);
    expect(retryAfterMs('0', now)).toBe(1_000);
    expect(retryAfterMs(null, now)).toBe(1_000);
    expect(retryAfterMs('soon', now)).toBe(1_000);
    expect(retryAfterMs('-5', now)).toBe(1_000);
    expect(retryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
