import { describe, expect, it } from 'vitest';
import { newToken } from '../../companion/src/accounts/user-tokens.ts';
import { COPY_KINDS, type CopyKind } from '../../companion/src/copy/copy-kinds.ts';
import { type CopyResult, copyStore, openCopyEnds } from '../../companion/src/copy/copy-store.ts';
import { postgresEndpoint } from '../../companion/src/copy/postgres-endpoint.ts';
import { sqliteEndpoint } from '../../companion/src/copy/sqlite-endpoint.ts';
import { exportFromStore } from '../../companion/src/dataset/export-run.ts';
import { pgText } from '../../companion/src/storage/postgres/connect.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { collectExport } from '../../shared/export/index.ts';
import {
  type Annotation,
  exportOptionsSchema,
  type Item,
  itemIdFor,
  itemKey,
  reviewRequestSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { createDatabase, type TestDatabase, type TestStoreKind } from '../support/stores.ts';

const later = (annotation: Annotation, revision: number, changes: Partial<Annotation>): Annotation => ({
  ...annotation,
  ...changes,
  revision,
  updatedAt: `2026-11-0${revision}T12:00:00.000Z`,
});

async function push(stores: Stores, annotations: Annotation[], at = '2026-11-05T00:00:00.000Z') {
  await stores.sync.applyChanges({ deviceId: 'laptop', receivedAt: at, annotations, comparisons: [] });
}

async function copy(from: TestDatabase, to: TestDatabase): Promise<CopyResult> {
  const [source, target] = await openCopyEnds(from.target, to.target);
  try {
    return await copyStore(source, target);
  } finally {
    await source.close();
    await target.close();
  }
}

const counts = (result: CopyResult, label: string) => result.kinds.find((kind) => kind.label === label);

async function everything(database: TestDatabase): Promise<{ current: Annotation[]; history: string[] }> {
  const stores = await database.open();
  try {
    const current: Annotation[] = [];
    for await (const annotation of stores.sync.iterateAnnotations({ includeDeleted: true })) current.push(annotation);
    const history = await database.query<{ id: string; hash: string; body: string }>(
      'SELECT id, hash, body FROM history ORDER BY id, hash',
    );
    return { current, history: history.map((row) => `${row.id} ${row.hash} ${row.body}`) };
  } finally {
    await stores.close();
  }
}

async function exportBytes(database: TestDatabase): Promise<Record<string, string>> {
  const stores = await database.open();
  try {
    const out: Record<string, string> = {};
    for (const format of ['raw', 'trl-dpo'] as const) {
      out[format] = (
        await collectExport(exportFromStore(stores.sync, exportOptionsSchema.parse({ format })))
      ).train.lines;
    }
    return out;
  } finally {
    await stores.close();
  }
}

/**
 * Every row of every table `margin copy` moves, as the copy reads it, in key order: `seq` left out (the
 * target hands out its own), text as PostgreSQL can hold it, numbers as text (int8 arrives as a string).
 */
async function tables(database: TestDatabase): Promise<Record<string, unknown[]>> {
  const end =
    database.target.kind === 'postgres' ? postgresEndpoint(database.target.url) : sqliteEndpoint(database.target.path);
  const norm = (value: unknown): unknown =>
    typeof value === 'string' ? pgText(value) : typeof value === 'number' ? String(value) : (value ?? null);
  const rowsOf = async (kind: CopyKind) => {
    const page = await end.readPage(kind, undefined, 100_000);
    return page.rows.map((row) =>
      Object.fromEntries(
        kind.columns.filter((column) => column !== 'seq').map((column) => [column, norm(row[column])]),
      ),
    );
  };
  try {
    const out: Record<string, unknown[]> = {};
    for (const kind of COPY_KINDS) out[kind.label] = await rowsOf(kind);
    return out;
  } finally {
    await end.close();
  }
}

function makeItem(messageId: string): Item {
  const key = itemKey('chatgpt', 'conv-items', messageId);
  return {
    id: itemIdFor(key),
    key,
    source: 'import',
    site: 'chatgpt',
    conversationId: 'conv-items',
    messageId,
    url: null,
    model: 'gpt-5',
    context: [{ role: 'user', content: `question ${messageId} \u0000` }],
    response: `answer ${messageId}`,
    variant: null,
    createdAt: '2026-11-01T10:00:00.000Z',
    metadata: { source: 'test' },
  };
}

const DIRECTIONS: [TestStoreKind, TestStoreKind][] = [
  ['sqlite', 'postgres'],
  ['postgres', 'sqlite'],
];

describe.each(DIRECTIONS)('margin copy %s → %s', (fromKind, toKind) => {
  it('moves every version and tombstone, is idempotent, adds only what is new and reports conflicts', async () => {
    const from = await createDatabase(fromKind, 'copy-from');
    const to = await createDatabase(toKind, 'copy-to');
    try {
      const edited = makeAnnotation({ comment: 'first' });
      const removed = makeAnnotation({ conversationId: 'conv-2', comment: 'nul \u0000 inside' });
      const kept = makeAnnotation({ site: 'claude', conversationId: 'c-3' });
      const source = await from.open();
      try {
        await push(source, [edited, removed, kept], '2026-11-05T00:00:00.000Z');
        await push(source, [later(edited, 2, { comment: 'second' })], '2026-11-05T00:00:01.000Z');
        await push(source, [later(removed, 2, { deletedAt: '2026-11-02T12:00:00.000Z' })], '2026-11-05T00:00:02.000Z');
      } finally {
        await source.close();
      }

      const first = await copy(from, to);
      expect(counts(first, 'annotations')).toMatchObject({ read: 3, added: 3, unchanged: 0, conflicts: 0 });
      expect(counts(first, 'earlier versions')).toMatchObject({ read: 2, added: 2 });
      expect(counts(first, 'devices')).toMatchObject({ added: 1 });
      expect(first.kinds.map((kind) => kind.label)).toEqual(COPY_KINDS.map((kind) => kind.label));
      const copied = await everything(to);
      expect(copied).toEqual(await everything(from));
      expect(copied.current.find((a) => a.id === removed.id)?.deletedAt).toBe('2026-11-02T12:00:00.000Z');
      expect(copied.current.find((a) => a.id === removed.id)?.comment).toBe('nul \u0000 inside');

      const again = await copy(from, to);
      for (const kind of again.kinds) {
        expect(kind.added + kind.updated + kind.conflicts, kind.label).toBe(0);
        expect(kind.unchanged, kind.label).toBe(kind.read);
      }

      // More work in the source: only that is added, the replaced version kept in the target's history.
      const more = await from.open();
      try {
        await push(more, [later(edited, 3, { comment: 'third' }), makeAnnotation({ conversationId: 'c-4' })]);
      } finally {
        await more.close();
      }
      const newer = await copy(from, to);
      expect(counts(newer, 'annotations')).toMatchObject({ read: 4, added: 1, updated: 1, unchanged: 2, conflicts: 0 });
      expect(counts(newer, 'earlier versions')).toMatchObject({ added: 1, unchanged: 2 });
      expect(await everything(to)).toEqual(await everything(from));

      // Both sides edited apart: reported, and the target's version stays.
      for (const [database, comment] of [
        [from, 'source edit'],
        [to, 'target edit'],
      ] as const) {
        const stores = await database.open();
        try {
          await push(stores, [later(edited, 4, { comment })]);
        } finally {
          await stores.close();
        }
      }
      const apart = await copy(from, to);
      expect(counts(apart, 'annotations')).toMatchObject({ conflicts: 1, added: 0, updated: 0 });
      expect(apart.conflicts[0]).toMatchObject({ kind: 'annotations', key: edited.id });
      expect(apart.conflicts[0]?.reason).toContain('edited apart');
      const target = await everything(to);
      expect(target.current.find((a) => a.id === edited.id)?.comment).toBe('target edit');
    } finally {
      await from.remove();
      await to.remove();
    }
  });
});

describe.each(DIRECTIONS)('margin copy %s → %s: conversation ratings and users', (fromKind, toKind) => {
  it('moves conversation ratings with their history, and users whose tokens still sign them in', async () => {
    const from = await createDatabase(fromKind, 'copy-more-from');
    const to = await createDatabase(toKind, 'copy-more-to');
    try {
      const rating = makeConversationRating({ note: 'first look' });
      const { token, stored } = newToken('personal', new Date('2026-11-05T00:00:00.000Z'), 'carol');
      const source = await from.open();
      try {
        const apply = (conversationRatings: (typeof rating)[], receivedAt: string) =>
          source.sync.applyChanges({
            deviceId: 'laptop',
            receivedAt,
            annotations: [],
            comparisons: [],
            conversationRatings,
          });
        await apply([rating], '2026-11-05T00:00:00.000Z');
        await apply(
          [{ ...rating, rating: 'needs-work', revision: 2, updatedAt: '2026-11-02T10:00:00.000Z' }],
          '2026-11-05T00:00:01.000Z',
        );
        expect(
          await source.users.add(
            { name: 'grace', role: 'annotator', kind: 'human', createdAt: stored.createdAt },
            stored,
          ),
        ).toBe('added');
        // Reviews, one decided, and items with their texts: each table arrives equal, row for row.
        for (const [id, title] of [
          ['rev-pending', 'Still open'],
          ['rev-decided', 'Decided \u0000 here'],
        ] as const) {
          const request = reviewRequestSchema.parse({ title, output: `the output of ${id}`, metadata: { run: 7 } });
          await source.reviews.insert({
            id,
            request,
            requestHash: `hash-${id}`,
            createdAt: '2026-11-05T00:00:00.000Z',
            expiresAt: null,
          });
        }
        expect(
          await source.reviews.resolve('rev-decided', {
            status: 'rejected',
            resolvedAt: '2026-11-05T01:00:00.000Z',
            reviewer: 'grace',
            input: null,
            comment: 'not this one',
            annotation: null,
          }),
        ).toBe(true);
        await source.items.writeBatch(
          { runId: null, items: ['m1', 'm2', 'm3'].map(makeItem), conversations: [] },
          new Date('2026-11-05T00:00:00.000Z'),
        );
      } finally {
        await source.close();
      }

      const first = await copy(from, to);
      expect(counts(first, 'reviews')).toMatchObject({ read: 2, added: 2, conflicts: 0 });
      expect(counts(first, 'items')).toMatchObject({ read: 3, added: 3, conflicts: 0 });
      const [sourceTables, targetTables] = [await tables(from), await tables(to)];
      expect(sourceTables.reviews).toHaveLength(2);
      expect(sourceTables.items).toHaveLength(3);
      expect(sourceTables['item texts']?.length).toBeGreaterThan(0);
      for (const kind of COPY_KINDS) expect(targetTables[kind.label], kind.label).toEqual(sourceTables[kind.label]);
      expect(counts(first, 'conversation ratings')).toMatchObject({ read: 1, added: 1, conflicts: 0 });
      expect(counts(first, 'users')).toMatchObject({ read: 1, added: 1 });
      expect(counts(first, 'user tokens')).toMatchObject({ read: 1, added: 1 });
      const target = await to.open();
      try {
        const page = await target.sync.changesSince(0, 100);
        expect(page.conversationRatings.map((r) => [r.id, r.rating, r.revision])).toEqual([
          [rating.id, 'needs-work', 2],
        ]);
        expect((await target.users.findByToken(stored.hash, '2026-11-06T00:00:00.000Z'))?.name).toBe('grace');
        expect(token).not.toBe(stored.hash);
      } finally {
        await target.close();
      }
      const history = await to.query<{ id: string }>("SELECT id FROM history WHERE kind = 'conversation-rating'");
      expect(history.map((row) => row.id)).toEqual([rating.id]);

      const again = await copy(from, to);
      for (const kind of again.kinds) {
        expect(kind.added + kind.updated + kind.conflicts, kind.label).toBe(0);
        expect(kind.unchanged, kind.label).toBe(kind.read);
      }
      expect(await tables(to)).toEqual(targetTables);
    } finally {
      await from.remove();
      await to.remove();
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)('margin copy reads its source in one snapshot (%s)', (kind) => {
  it('does not see what commits in the source after the snapshot, and sees it once the snapshot ends', async () => {
    const database = await createDatabase(kind, 'copy-snapshot');
    try {
      const stores = await database.open();
      try {
        await push(stores, [makeAnnotation(), makeAnnotation()]);
        const end =
          database.target.kind === 'postgres'
            ? postgresEndpoint(database.target.url)
            : sqliteEndpoint(database.target.path);
        const annotations = COPY_KINDS.find((candidate) => candidate.table === 'annotations') as CopyKind;
        try {
          const finish = await end.snapshot();
          expect(await end.count(annotations)).toBe(2);
          // A companion writing meanwhile: committed, but after the snapshot began.
          await push(stores, [makeAnnotation()], '2026-11-05T00:00:09.000Z');
          expect(await end.count(annotations)).toBe(2);
          expect((await end.readPage(annotations, undefined, 100)).rows).toHaveLength(2);
          await finish();
          expect(await end.count(annotations)).toBe(3);
        } finally {
          await end.close();
        }
      } finally {
        await stores.close();
      }
    } finally {
      await database.remove();
    }
  });
});

describe('margin copy round trip', () => {
  it('SQLite → PostgreSQL → SQLite leaves the export bytes equal', async () => {
    const first = await createDatabase('sqlite', 'round-a');
    const middle = await createDatabase('postgres', 'round-b');
    const last = await createDatabase('sqlite', 'round-c');
    try {
      const stores = await first.open();
      try {
        const annotations = Array.from({ length: 60 }, (_, i) =>
          makeAnnotation({
            conversationId: `conv-${i % 7}`,
            site: i % 3 === 0 ? 'claude' : 'chatgpt',
            variant: { index: (i % 2) + 1, count: 2, group: `g-${Math.floor(i / 2)}` },
            thumb: i % 2 === 0 ? 'up' : 'down',
            comment: `note ${i} é \u0000`,
          }),
        );
        await push(stores, annotations);
        await push(stores, [later(annotations[0] as Annotation, 2, { deletedAt: '2026-11-02T12:00:00.000Z' })]);
      } finally {
        await stores.close();
      }
      await copy(first, middle);
      await copy(middle, last);
      const [a, c] = [await exportBytes(first), await exportBytes(last)];
      expect(a.raw?.length).toBeGreaterThan(1000);
      expect(c).toEqual(a);
      expect(await everything(last)).toEqual(await everything(first));
    } finally {
      await first.remove();
      await middle.remove();
      await last.remove();
    }
  });

  it('refuses to copy a store onto itself', async () => {
    const database = await createDatabase('sqlite', 'self');
    try {
      await expect(openCopyEnds(database.target, database.target)).rejects.toThrow('are the same database');
    } finally {
      await database.remove();
    }
  });
});
