import { Dexie, type Table } from 'dexie';
import type { Annotation } from '../../../shared/index.ts';
import type { AppDB } from './app-db.ts';
import {
  type AnnotationCounts,
  COUNTS_BUILT,
  type CountRow,
  CREATED,
  createdBucketKey,
  KEY_END,
  OUTBOX_PENDING,
  OUTBOX_REJECTED,
  SITE,
  sumCounts,
  todayBucketKey,
} from './count-rows.ts';
import type { OutboxEntry } from './sync-tables.ts';

export { type AnnotationCounts, COUNTS_BUILT, type CountRow, createdBucketKey } from './count-rows.ts';

/**
 * The popup's counts, kept as rows of the `counts` table (Dexie v6) so opening the popup reads a few
 * small rows instead of counting 100,000 annotations (Chromium's own `count()` alone took 117 ms for
 * 20,000: issue 17). `counts-middleware.ts` moves them in the same transaction as every write to
 * `annotations` or `outbox`, whichever module makes it; the v6 upgrade builds them once. Their keys and
 * the popup's sum are in count-rows.ts, which the popup's first paint reads without Dexie.
 */

type CountedAnnotation = Pick<Annotation, 'site' | 'createdAt' | 'deletedAt'>;

/** The count rows one stored annotation adds to (none for a tombstone). */
export function annotationCountKeys(row: CountedAnnotation | undefined): string[] {
  // Same rule as the `[deletedAt+site]` index: a row is a tombstone when `deletedAt` is set.
  if (!row || row.deletedAt != null) return [];
  const created = Date.parse(row.createdAt);
  return Number.isNaN(created) ? [SITE + row.site] : [SITE + row.site, createdBucketKey(created)];
}

/** The count rows one outbox entry adds to. */
export function outboxCountKeys(entry: Pick<OutboxEntry, 'state'> | undefined): string[] {
  if (entry?.state === 'pending') return [OUTBOX_PENDING];
  return entry?.state === 'rejected' ? [OUTBOX_REJECTED] : [];
}

/** The tables as the upgrade transaction hands them out (untyped) or as `AppDB` holds them. */
export interface CountTables {
  annotations: Table;
  outbox: Table;
  counts: Table;
}

/**
 * Replaces every count row with a count of the tables, from their indexes only (no annotation is read).
 * Runs inside the caller's read-write transaction over the three tables: the v6 upgrade, or
 * `countRows` when the rows are missing.
 */
export async function rebuildCounts(tables: CountTables): Promise<void> {
  const totals = await tallyCounts(tables);
  await tables.counts.clear();
  await tables.counts.bulkPut([...totals].map(([key, count]) => ({ key, count })));
  await tables.counts.put({ key: COUNTS_BUILT, count: 1 });
}

/** What the count rows should hold, counted from the tables' indexes. */
async function tallyCounts({ annotations, outbox }: Omit<CountTables, 'counts'>): Promise<Map<string, number>> {
  const tombstones = new Set(await annotations.orderBy('[deletedAt+site]').primaryKeys());
  const totals = new Map<string, number>();
  const add = (key: string) => totals.set(key, (totals.get(key) ?? 0) + 1);
  // Per site, its primary keys in one request (getAllKeys); only the creation times need a cursor walk.
  for (const site of await annotations.orderBy('site').uniqueKeys()) {
    const live = (await annotations.where('site').equals(site).primaryKeys()).filter((id) => !tombstones.has(id));
    if (live.length > 0) totals.set(SITE + String(site), live.length);
  }
  await annotations.orderBy('createdAt').eachKey((createdAt, cursor) => {
    const created = Date.parse(String(createdAt));
    if (!tombstones.has(cursor.primaryKey as string) && !Number.isNaN(created)) add(createdBucketKey(created));
  });
  for (const [key, state] of [
    [OUTBOX_PENDING, 'pending'],
    [OUTBOX_REJECTED, 'rejected'],
  ] as const) {
    const queued = await outbox.where('[state+queuedAt]').between([state, Dexie.minKey], [state, Dexie.maxKey]).count();
    if (queued > 0) totals.set(key, queued);
  }
  return totals;
}

/**
 * The count rows, rebuilt first if they were never built (rows removed outside Margin; a new
 * database is built when created). A live query, like the popup's, may not write (Dexie refuses a
 * read-write transaction there): it gets the rows counted from the indexes, not stored, and the next
 * read outside one stores them.
 */
async function countRows(db: AppDB, read: () => Promise<CountRow[]>): Promise<CountRow[]> {
  if (await db.counts.get(COUNTS_BUILT)) return read();
  try {
    await db.transaction('rw', [db.annotations, db.outbox, db.counts], async () => {
      if (!(await db.counts.get(COUNTS_BUILT))) await rebuildCounts(db);
    });
    return read();
  } catch (error) {
    if ((error as Error).name !== Dexie.errnames.ReadOnly) throw error;
    return [...(await tallyCounts(db))].map(([key, count]) => ({ key, count }));
  }
}

/** Counts for the popup; "today" starts at local midnight of `now`. Reads the sites' rows and today's. */
export async function countAnnotations(db: AppDB, now: Date): Promise<AnnotationCounts> {
  const today = todayBucketKey(now);
  const rows = await countRows(db, () =>
    db.transaction('r', db.counts, async () => [
      ...(await db.counts
        .where('key')
        .between(SITE, SITE + KEY_END)
        .toArray()),
      ...(await db.counts
        .where('key')
        .between(today, CREATED + KEY_END)
        .toArray()),
    ]),
  );
  return sumCounts(rows, today);
}

/** Versions waiting for push, and those the companion refused. */
export async function countOutbox(db: AppDB): Promise<{ pending: number; rejected: number }> {
  const rows = await countRows(db, async () =>
    (await db.counts.bulkGet([OUTBOX_PENDING, OUTBOX_REJECTED])).filter((row) => row !== undefined),
  );
  const count = (key: string) => rows.find((row) => row.key === key)?.count ?? 0;
  return { pending: count(OUTBOX_PENDING), rejected: count(OUTBOX_REJECTED) };
}
