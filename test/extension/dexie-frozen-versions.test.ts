import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { countAnnotations, countOutbox } from '../../extension/src/db/counts.ts';
import { databaseErrorText } from '../../extension/src/db/open-errors.ts';
import { type AnnotationV1, type ConversationRating, upgradeAnnotation } from '../../shared/index.ts';
import {
  V2_ANNOTATIONS,
  V2_COMPARISONS,
  V2_OUTBOX,
  V2_RECORD_ORDER,
  V2_SCHEMA,
  V2_SYNC_META,
} from './sync-fixtures/dexie-v2.ts';

/**
 * Issue 18: a profile's database at every earlier version upgrades to the current one with every
 * record intact (v1 → : sync-outbox.test.ts; v2 → : schema-v2-dexie.test.ts; v3, v4 and v5 here), and
 * an older Margin meeting a newer database refuses in words and changes nothing.
 *
 * Frozen: the schemas below are each version's as it shipped (never edit them; add a version instead).
 */
const FROZEN_SCHEMAS: Record<number, Record<string, string>> = {
  3: V2_SCHEMA,
  4: { ...V2_SCHEMA, conversationRatings: 'id, &[key+annotator], key, updatedAt' },
  5: {
    ...V2_SCHEMA,
    annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt, [deletedAt+site]',
    conversationRatings: 'id, &[key+annotator], key, updatedAt',
  },
};

/** What each frozen version held: from v3 on, annotations (and queued annotation versions) are schema v2. */
const ANNOTATIONS = V2_ANNOTATIONS.map((annotation) => upgradeAnnotation(annotation));
const OUTBOX = V2_OUTBOX.map((entry) =>
  entry.kind === 'annotation' ? { ...entry, record: upgradeAnnotation(entry.record as AnnotationV1) } : entry,
);
const RATING: ConversationRating = {
  schemaVersion: 1,
  id: 'cr-frozen-1',
  key: 'chatgpt:conv-frozen',
  site: 'chatgpt',
  conversationId: 'conv-frozen',
  rating: 'good',
  note: 'kept through every upgrade',
  tags: ['frozen'],
  annotator: 'ada',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  deletedAt: null,
  revision: 1,
};

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

/** A database as Margin left it at `version`: the frozen schema declared at that version, and its rows. */
async function frozenDatabase(version: number): Promise<string> {
  const name = `margin-frozen-v${version}-${Math.random()}`;
  const db = new Dexie(name);
  opened.push(db);
  db.version(version).stores(FROZEN_SCHEMAS[version] ?? {});
  await db.table('annotations').bulkPut(ANNOTATIONS);
  await db.table('comparisons').bulkPut(V2_COMPARISONS);
  await db.table('outbox').bulkPut(OUTBOX);
  await db.table('recordOrder').bulkPut(V2_RECORD_ORDER);
  await db.table('syncMeta').bulkPut(V2_SYNC_META);
  if (version >= 4) await db.table('conversationRatings').put(RATING);
  db.close();
  return name;
}

const sorted = <T>(rows: T[], key: (row: T) => string) => [...rows].sort((x, y) => (key(x) < key(y) ? -1 : 1));

describe('frozen extension databases', () => {
  for (const version of [3, 4, 5]) {
    it(`a version-${version} database opens at the current version with every record intact and its counts right`, async () => {
      const name = await frozenDatabase(version);
      const db = new AppDB(name);
      opened.push(db);
      await db.open();
      expect(db.verno).toBe(6);
      expect(await db.annotations.toArray()).toEqual(sorted(ANNOTATIONS, (row) => row.id));
      expect(await db.comparisons.toArray()).toEqual(sorted(V2_COMPARISONS, (row) => row.id));
      expect(sorted(await db.outbox.toArray(), (row) => `${row.kind}:${row.id}`)).toEqual(
        sorted(OUTBOX, (row) => `${row.kind}:${row.id}`),
      );
      expect(await db.recordOrder.count()).toBe(V2_RECORD_ORDER.length);
      expect(sorted(await db.syncMeta.toArray(), (row) => row.key)).toEqual(sorted(V2_SYNC_META, (row) => row.key));
      expect(await db.conversationRatings.toArray()).toEqual(version >= 4 ? [RATING] : []);

      // The v6 upgrade built the popup's counts from what was there.
      const live = ANNOTATIONS.filter((annotation) => annotation.deletedAt === null);
      const counts = await countAnnotations(db, new Date());
      expect(counts.total).toBe(live.length);
      expect(await countOutbox(db)).toEqual({
        pending: OUTBOX.filter((entry) => entry.state === 'pending').length,
        rejected: OUTBOX.filter((entry) => entry.state === 'rejected').length,
      });
    });
  }

  it('an older Margin meeting a newer database refuses in words and leaves every record as it was', async () => {
    const name = `margin-newer-${Math.random()}`;
    const newer = new Dexie(name);
    opened.push(newer);
    newer.version(7).stores({ ...FROZEN_SCHEMAS[5], counts: 'key', somethingNew: 'id' });
    await newer.table('annotations').bulkPut(ANNOTATIONS);
    newer.close();

    const db = new AppDB(name);
    opened.push(db);
    const refusal = await db.annotations.count().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).not.toBeNull();
    expect(databaseErrorText(refusal)).toBe(
      'Your annotations were saved by a newer version of Margin (database version 7; this Margin knows up to version 6). Update Margin to read them; nothing was changed or deleted.',
    );
    db.close();

    const again = new Dexie(name);
    opened.push(again);
    await again.open();
    expect(again.verno).toBe(7);
    expect(await again.table('annotations').toArray()).toEqual(sorted(ANNOTATIONS, (row) => row.id));
  });
});
