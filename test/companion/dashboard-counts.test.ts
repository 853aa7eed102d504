import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupPostgresStore, restorePostgresStore } from '../../companion/src/backup/postgres-backup.ts';
import { backupSqliteStore, restoreSqliteStore } from '../../companion/src/backup/sqlite-backup.ts';
import type { DashboardStore } from '../../companion/src/storage/dashboard-store.ts';
import { migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import type { SyncStore } from '../../companion/src/storage/store.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  type Annotation,
  type AnnotationFilters,
  type AnnotationListQuery,
  annotationFiltersSchema,
  annotationListQuerySchema,
  type InsightsResponse,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * The counts the indexer keeps (dashboard-counts.ts) must always equal a count of the rows: after
 * sync, an edit, a delete, the dashboard's own writes, a write from another process and a restore.
 * Each check compares them with the rows counted in JS from what was written, and with the same
 * questions asked with a filter that every row passes (which counts the rows in SQL).
 */

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const next = random(11);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

function varied(): Partial<Annotation> {
  return {
    site: pick(['chatgpt', 'claude', 'gemini']),
    model: pick(['gpt-5', 'claude-4', null]),
    annotator: pick(['ada', 'grace', 'linus']),
    thumb: pick(['up', 'down', null] as const),
    score: next() < 0.2 ? null : Math.floor(next() * 101),
    tags: pick([[], ['code'], ['code', 'long'], ['wrong'], ['long', 'wrong', 'code']]),
    createdAt: `2026-10-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}T${String(Math.floor(next() * 24)).padStart(2, '0')}:30:00.000Z`,
  };
}

/** Every row passes it, so the answer comes from counting rows, not from the kept counts. */
const EVERY_ROW = { since: '1900-01-01T00:00:00.000Z' };

function withoutPending(insights: InsightsResponse) {
  const { pendingIndex: _, ...rest } = insights;
  return {
    ...rest,
    // Means are compared to 1e-9: a sum divided in JS against the database's avg().
    sites: rest.sites.map((group) => ({ ...group, meanScore: group.meanScore?.toFixed(9) ?? null })),
    models: rest.models.map((group) => ({ ...group, meanScore: group.meanScore?.toFixed(9) ?? null })),
  };
}

describe.each(STORE_KINDS)('dashboard kept counts (%s)', (kind) => {
  let database: TestDatabase;
  let stores: Stores;
  let store: SyncStore;
  let dashboard: DashboardStore;
  /** The current version of everything written, as the test wrote it. */
  const current = new Map<string, Annotation>();

  const push = async (annotations: Annotation[], into: SyncStore = store) => {
    const applied = await into.applyChanges({
      deviceId: 'browser',
      receivedAt: new Date().toISOString(),
      annotations,
      comparisons: [],
    });
    // Every version here is newer than the stored one: a refused one would be a mistake in the test.
    expect(applied.annotations.map((result) => result.status)).toEqual(annotations.map(() => 'accepted'));
    for (const annotation of annotations) current.set(annotation.id, annotation);
  };
  const list = (query: Record<string, unknown>) =>
    dashboard.list(annotationListQuerySchema.parse({ ...query, limit: '1' }) as AnnotationListQuery);
  const insights = (filters: Record<string, unknown>) =>
    dashboard.insights(annotationFiltersSchema.parse(filters) as AnnotationFilters);

  /** Every answer the kept counts give, against the rows counted in JS and in SQL. */
  async function expectCountsExact(step: string): Promise<void> {
    const live = [...current.values()].filter((annotation) => annotation.deletedAt === null);
    const count = (test: (annotation: Annotation) => boolean) => live.filter(test).length;
    expect((await list({})).total, step).toBe(live.length);
    for (const site of ['chatgpt', 'claude', 'gemini', 'nowhere']) {
      expect((await list({ site })).total, `${step}: site ${site}`).toBe(count((a) => a.site === site));
    }
    expect((await list({ site: 'chatgpt,claude' })).total, step).toBe(
      count((a) => a.site === 'chatgpt' || a.site === 'claude'),
    );
    expect((await list({ model: 'gpt-5' })).total, step).toBe(count((a) => a.model === 'gpt-5'));
    expect((await list({ annotator: 'grace' })).total, step).toBe(count((a) => a.annotator === 'grace'));
    for (const tag of ['code', 'long', 'wrong', 'fixed']) {
      expect((await list({ tag })).total, `${step}: tag ${tag}`).toBe(count((a) => a.tags.includes(tag)));
    }
    // Two tags (a row may have both) are counted row by row, and must agree too.
    expect((await list({ tag: 'code,wrong' })).total, step).toBe(
      count((a) => a.tags.includes('code') || a.tags.includes('wrong')),
    );

    const facets = await dashboard.facets();
    const kept = withoutPending(await insights({}));
    const counted = withoutPending(await insights(EVERY_ROW));
    expect(kept, step).toEqual(counted);
    expect(kept.total, step).toBe(live.length);
    expect(facets.sites, step).toEqual(counted.sites.map((group) => ({ value: group.key, count: group.count })));
    expect(facets.models, step).toEqual(
      counted.models
        .filter((group) => group.key !== '(unknown model)')
        .map((group) => ({ value: group.key, count: group.count })),
    );
    expect(facets.tags, step).toEqual(counted.tags);
    const annotators = new Map<string, number>();
    for (const annotation of live)
      annotators.set(annotation.annotator, (annotators.get(annotation.annotator) ?? 0) + 1);
    expect(Object.fromEntries(facets.annotators.map((facet) => [facet.value, facet.count])), step).toEqual(
      Object.fromEntries(annotators),
    );
  }

  beforeEach(async () => {
    current.clear();
    database = await createDatabase(kind, 'dashboard_counts');
    stores = await database.open();
    store = stores.sync;
    dashboard = stores.dashboard;
  });
  afterEach(async () => {
    await stores.close();
    await database.remove();
  });

  it('stay exact through sync, edits, deletes, dashboard writes and another process', async () => {
    await expectCountsExact('empty');
    const first = Array.from({ length: 300 }, () => makeAnnotation(varied()));
    await push(first);
    await expectCountsExact('after sync');

    // New versions that move rows between sites, models, tags, days and score buckets.
    await push(first.slice(0, 60).map((annotation) => ({ ...annotation, ...varied(), revision: 2 })));
    await expectCountsExact('after edits');

    const deletedAt = '2026-11-02T00:00:00.000Z';
    const gone = first.slice(40, 100).map((annotation) => ({
      ...(current.get(annotation.id) as Annotation),
      deletedAt,
      revision: (current.get(annotation.id)?.revision ?? 1) + 1,
    }));
    await push(gone);
    await expectCountsExact('after deletes');

    // The dashboard's own edit and delete.
    const target = current.get(first[200]?.id as string) as Annotation;
    const edited = await dashboard.edit(
      target.id,
      { baseRevision: target.revision, tags: ['fixed'], score: 5 },
      new Date('2026-11-05T00:00:00Z'),
    );
    if (edited.status !== 'saved') throw new Error(`edit: ${edited.status}`);
    current.set(target.id, edited.annotation);
    const doomed = current.get(first[201]?.id as string) as Annotation;
    const removed = await dashboard.remove(doomed.id, doomed.revision, new Date('2026-11-05T00:00:00Z'));
    if (removed.status !== 'saved') throw new Error(`remove: ${removed.status}`);
    current.set(doomed.id, removed.annotation);
    await expectCountsExact('after dashboard writes');

    // Written by another process (an import): indexed on this one's next read.
    const other = await database.open();
    try {
      await push(
        Array.from({ length: 40 }, () => makeAnnotation({ ...varied(), tags: ['imported'] })),
        other.sync,
      );
    } finally {
      await other.close();
    }
    await expectCountsExact('after another process wrote');
    expect((await list({ tag: 'imported' })).total).toBe(40);
  });

  it('are rebuilt by the upgrade exactly as the indexer kept them', async () => {
    await push(Array.from({ length: 120 }, () => makeAnnotation(varied())));
    await push(
      [...current.values()].slice(0, 20).map((a) => ({ ...a, deletedAt: '2026-11-01T00:00:00.000Z', revision: 2 })),
    );
    await dashboard.catchUp();
    const read = () => database.query('SELECT * FROM dashboard_counts ORDER BY facet, value');
    const kept = await read();
    expect(kept.length).toBeGreaterThan(10);
    await stores.close();
    // Back to the version before the table, then opened again: the migration fills it from the index.
    if (kind === 'sqlite' && database.target.kind === 'sqlite') {
      const db = new Database(database.target.path);
      db.exec('DROP TABLE dashboard_counts');
      db.pragma('user_version = 10');
      db.close();
    } else {
      await database.query('DROP TABLE dashboard_counts');
      await database.query('DELETE FROM schema_migrations WHERE version = 6');
    }
    stores = await database.open();
    dashboard = stores.dashboard;
    expect(await read()).toEqual(kept);
    await expectCountsExact('after the upgrade');
    if (kind === 'sqlite' && database.target.kind === 'sqlite') {
      const db = new Database(database.target.path);
      expect(migrate(db)).toEqual([]);
      db.close();
    }
  });

  it('are those of the backup after a restore, whatever changed since the backup', async () => {
    await push(Array.from({ length: 100 }, () => makeAnnotation(varied())));
    await push(
      [...current.values()].slice(0, 10).map((a) => ({ ...a, deletedAt: '2026-11-01T00:00:00.000Z', revision: 2 })),
    );
    await expectCountsExact('before the backup');
    const atBackup = new Map(current);
    const folder = await makeTempDir('dashboard-counts-backup');
    try {
      const backup = `${folder.path}/margin.backup`;
      if (database.target.kind === 'sqlite') backupSqliteStore(database.target.path, backup);
      else await backupPostgresStore(database.target.url, backup);
      // After the backup: more rows, a delete, an edit that moves rows between sites.
      await push(Array.from({ length: 30 }, () => makeAnnotation({ ...varied(), site: 'gemini' })));
      const later = [...current.values()].filter((a) => a.deletedAt === null).slice(0, 15);
      await push(later.map((a) => ({ ...a, site: 'claude', revision: a.revision + 1 })));
      await push(
        later.slice(0, 5).map((a) => ({ ...a, deletedAt: '2026-11-03T00:00:00.000Z', revision: a.revision + 2 })),
      );
      await expectCountsExact('after the later changes');
      await stores.close();
      if (database.target.kind === 'sqlite') await restoreSqliteStore(backup, database.target.path);
      else await restorePostgresStore(backup, database.target.url);
      stores = await database.open();
      store = stores.sync;
      dashboard = stores.dashboard;
      current.clear();
      for (const [id, annotation] of atBackup) current.set(id, annotation);
      await expectCountsExact('after the restore');
      // And they keep counting from there.
      await push(
        [...current.values()]
          .slice(20, 30)
          .map((a) => ({ ...a, deletedAt: '2026-11-04T00:00:00.000Z', revision: a.revision + 1 })),
      );
      await expectCountsExact('a delete after the restore');
    } finally {
      await folder.remove();
    }
  });
});
