import 'fake-indexeddb/auto';
import { Dexie, liveQuery } from 'dexie';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveAnnotation } from '../../extension/src/db/annotations.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { COUNTS_BUILT, countAnnotations, countOutbox } from '../../extension/src/db/counts.ts';
import { applyPulledPage } from '../../extension/src/sync/apply-remote.ts';
import {
  countPending,
  queueEverything,
  readBatch,
  requeueRejected,
  settlePush,
} from '../../extension/src/sync/outbox.ts';
import type { Annotation, AnnotationPushResult } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

/**
 * The popup reads its counts from rows kept by a middleware (db/counts-middleware.ts). Whatever
 * sequence of writes the extension makes, those rows must equal a full recount of the tables.
 */

let db: AppDB;
let clock: number;
let ids: number;
const NOW = Date.parse('2026-09-01T15:00:00.000Z');
const SITES = ['chatgpt', 'claude', 'gemini'];

beforeEach(() => {
  db = new AppDB(`margin-counts-${Math.random()}`);
  clock = NOW - 3 * 86_400_000;
  ids = 0;
});
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

/** The popup's figures counted the slow way, from every row. */
async function recount(now: Date) {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const live = (await db.annotations.toArray()).filter((row) => row.deletedAt === null);
  const bySite: Record<string, number> = {};
  for (const row of live) bySite[row.site] = (bySite[row.site] ?? 0) + 1;
  const today = live.filter((row) => Date.parse(row.createdAt) >= midnight).length;
  const outbox = await db.outbox.toArray();
  return {
    annotations: { total: live.length, today, bySite },
    outbox: {
      pending: outbox.filter((entry) => entry.state === 'pending').length,
      rejected: outbox.filter((entry) => entry.state === 'rejected').length,
    },
  };
}

async function expectCountsMatch() {
  const now = new Date(NOW);
  // Built once and never rebuilt: a rebuild inside the read would hide drift.
  expect(await db.counts.get(COUNTS_BUILT)).toBeDefined();
  expect({ annotations: await countAnnotations(db, now), outbox: await countPending(db) }).toEqual(await recount(now));
  expect((await db.counts.toArray()).every((row) => row.count > 0)).toBe(true);
}

const messageArb = fc.integer({ min: 0, max: 5 });
const siteArb = fc.constantFrom(...SITES);
/** Moments from three days ago to now, some today; with a Z or an offset, as the companion may send. */
const momentArb = fc.integer({ min: 0, max: 3 * 86_400 }).map((seconds) => NOW - seconds * 1000);

type Step =
  | { kind: 'save'; message: number; site: string; at: number }
  | { kind: 'pull'; message: number; site: string; at: number; tombstone: boolean; bump: number }
  | { kind: 'settle'; statuses: ('accepted' | 'unchanged' | 'rejected' | 'superseded')[] }
  | { kind: 'queue-everything' }
  | { kind: 'requeue' }
  | { kind: 'hard-delete'; message: number }
  | { kind: 'clear-outbox' }
  | { kind: 'tombstone-by-hand'; message: number }
  | { kind: 'failed-save'; message: number; site: string }
  | { kind: 'bulk-add'; message: number; site: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), message: messageArb, site: siteArb, at: momentArb }),
  fc.record({
    kind: fc.constant('pull' as const),
    message: messageArb,
    site: siteArb,
    at: momentArb,
    tombstone: fc.boolean(),
    bump: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('settle' as const),
    statuses: fc.array(fc.constantFrom('accepted', 'unchanged', 'rejected', 'superseded'), { maxLength: 8 }),
  }),
  fc.constant({ kind: 'queue-everything' as const }),
  fc.constant({ kind: 'requeue' as const }),
  fc.record({ kind: fc.constant('hard-delete' as const), message: messageArb }),
  fc.constant({ kind: 'clear-outbox' as const }),
  fc.record({ kind: fc.constant('tombstone-by-hand' as const), message: messageArb }),
  fc.record({ kind: fc.constant('failed-save' as const), message: messageArb, site: siteArb }),
  fc.record({ kind: fc.constant('bulk-add' as const), message: messageArb, site: siteArb }),
);

function captureOf(message: number, site: string) {
  return {
    capture: {
      site,
      url: `https://example.com/c/conv-1`,
      conversationId: 'conv-1',
      messageId: `msg-${message}`,
      model: 'gpt-5',
      modelSource: 'message' as const,
      context: [{ role: 'user' as const, content: 'Hi' }],
      response: `Answer ${message}`,
      variant: null,
      missingContextTurns: 0,
    },
    changes: { thumb: 'up' as const },
  };
}

async function byMessage(message: number): Promise<Annotation | undefined> {
  return (await db.annotations.toArray()).find((row) => row.messageId === `msg-${message}`);
}

async function run(step: Step): Promise<void> {
  switch (step.kind) {
    case 'save':
      clock = step.at;
      await saveAnnotation(db, captureOf(step.message, step.site), {
        annotator: 'ada',
        defaultTags: [],
        now: () => new Date(clock),
        newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      });
      return;
    case 'pull': {
      // A version from the companion: an edit of a local row (possibly a tombstone), or a new record.
      const local = await byMessage(step.message);
      const createdAt = new Date(step.at).toISOString();
      const remote = makeAnnotation({
        ...(local ?? {
          id: `10000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
          site: step.site,
          messageId: `msg-${step.message}`,
          key: `${step.site}:conv-1:msg-${step.message}`,
          createdAt: step.message % 2 ? createdAt : `${createdAt.slice(0, -1)}+02:00`,
        }),
        revision: (local?.revision ?? 0) + step.bump,
        updatedAt: new Date(step.at + 1000).toISOString(),
        deletedAt: step.tombstone ? new Date(step.at).toISOString() : null,
      });
      await applyPulledPage(db, { annotations: [remote], comparisons: [], checkpoint: ++ids, hasMore: false } as never);
      return;
    }
    case 'settle': {
      const sent = await readBatch(db);
      const results: AnnotationPushResult[] = sent.map((entry, index) => {
        const status = step.statuses[index] ?? 'accepted';
        if (status === 'rejected') return { index, id: entry.id, status, issues: [{ path: 'score', message: 'no' }] };
        if (status === 'superseded') {
          const current = { ...(entry.record as Annotation), revision: entry.record.revision + 5, deletedAt: null };
          return { index, id: entry.id, status, current };
        }
        return { index, id: entry.id, status, seq: index + 1 } as AnnotationPushResult;
      });
      await settlePush(db, sent, { annotations: results, comparisons: [], checkpoint: results.length });
      return;
    }
    case 'queue-everything':
      await queueEverything(db, clock);
      return;
    case 'requeue':
      await requeueRejected(db);
      return;
    case 'hard-delete': {
      const row = await byMessage(step.message);
      if (row) await db.annotations.where('id').equals(row.id).delete();
      return;
    }
    case 'clear-outbox':
      await db.outbox.clear();
      return;
    case 'tombstone-by-hand': {
      const row = await byMessage(step.message);
      if (row) await db.annotations.bulkPut([row, { ...row, deletedAt: new Date(NOW).toISOString() }]);
      return;
    }
    case 'failed-save':
      // A transaction that writes and then fails: neither the rows nor the counts move.
      await expect(
        db.transaction('rw', db.annotations, async () => {
          await db.annotations.put(makeAnnotation({ site: step.site, messageId: `msg-failed-${step.message}` }));
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      return;
    case 'bulk-add': {
      // One add that fails (the id is taken) beside one that succeeds: only the second is counted.
      const taken = await byMessage(step.message);
      const fresh = makeAnnotation({
        site: step.site,
        messageId: `msg-added-${++ids}`,
        createdAt: new Date(NOW).toISOString(),
      });
      const rows = taken ? [{ ...taken, site: `${taken.site}-moved` }, fresh] : [fresh];
      await db.annotations.bulkAdd(rows).catch((error: unknown) => {
        if (!(error instanceof Dexie.BulkError)) throw error;
      });
      return;
    }
  }
}

describe('the popup counts', () => {
  it('equal a full recount after every write, whatever the sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        db.close();
        await Dexie.delete(db.name);
        db = new AppDB(`margin-counts-${Math.random()}`);
        await countAnnotations(db, new Date(NOW));
        for (const step of steps) {
          await run(step);
          await expectCountsMatch();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('are built by the v6 upgrade from rows an older version left', async () => {
    db.close();
    await Dexie.delete(db.name);
    const old = new Dexie(db.name);
    old.version(5).stores({
      annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt, [deletedAt+site]',
      comparisons: 'id, a, b, updatedAt',
      outbox: '[kind+id], [state+queuedAt]',
      recordOrder: '[kind+id], [kind+site+conversationId+seq]',
      syncMeta: 'key',
      conversationRatings: 'id, &[key+annotator], key, updatedAt',
    });
    const today = new Date(NOW).toISOString();
    const rows = [
      makeAnnotation({ site: 'claude', createdAt: today }),
      makeAnnotation({ site: 'claude', createdAt: '2026-08-01T10:00:00.000Z' }),
      makeAnnotation({ site: 'gemini', createdAt: today, deletedAt: today }),
    ];
    await old.table('annotations').bulkPut(rows);
    await old.table('outbox').bulkPut([
      { kind: 'annotation', id: rows[0]?.id, record: rows[0], state: 'pending', queuedAt: 1 },
      { kind: 'annotation', id: rows[2]?.id, record: rows[2], state: 'rejected', queuedAt: 2, issues: [] },
    ]);
    old.close();
    db = new AppDB(db.name);
    expect(await db.counts.get(COUNTS_BUILT)).toBeDefined();
    expect(await countAnnotations(db, new Date(NOW))).toEqual({ total: 2, today: 1, bySite: { claude: 2 } });
    expect(await countPending(db)).toEqual({ pending: 1, rejected: 1 });
    await expectCountsMatch();
  });

  it('are rebuilt when their rows are missing, as after rows were written around Margin', async () => {
    await saveAnnotation(db, captureOf(1, 'claude'), {
      annotator: 'ada',
      defaultTags: [],
      now: () => new Date(NOW),
      newId: () => '00000000-0000-4000-8000-000000000001',
    });
    await db.counts.clear();
    expect(await countAnnotations(db, new Date(NOW))).toEqual({ total: 1, today: 1, bySite: { claude: 1 } });
    await expectCountsMatch();
  });

  // The popup reads them in a live query, where Dexie refuses any write ("Readwrite transaction in
  // liveQuery context"): its sync section once stayed empty on a profile whose rows were missing.
  it('read in a live query with their rows missing: counted from the indexes, stored by the next read outside', async () => {
    await saveAnnotation(db, captureOf(1, 'claude'), {
      annotator: 'ada',
      defaultTags: [],
      now: () => new Date(NOW),
      newId: () => '00000000-0000-4000-8000-000000000001',
    });
    await db.counts.clear();
    const read = () => Promise.all([countAnnotations(db, new Date(NOW)), countOutbox(db)]);
    const inLiveQuery = await new Promise((resolve, reject) => {
      const subscription = liveQuery(read).subscribe({
        next: (value) => {
          subscription.unsubscribe();
          resolve(value);
        },
        error: reject,
      });
    });
    const expected = await recount(new Date(NOW));
    expect(inLiveQuery).toEqual([expected.annotations, expected.outbox]);
    expect(await db.counts.get(COUNTS_BUILT)).toBeUndefined();
    expect(await read()).toEqual([expected.annotations, expected.outbox]);
    await expectCountsMatch();
  });

  it('are marked built when a new database is created, so a first read writes nothing', async () => {
    await db.open();
    expect(await db.counts.toArray()).toEqual([{ key: COUNTS_BUILT, count: 1 }]);
  });
});
