import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Annotation } from '../../../../shared/index.ts';
import { CountDeltas } from '../dashboard-counts.ts';
import { dashboardValues } from '../dashboard-values.ts';
import { dashboardCountStatements } from './dashboard-counts-sql.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** Rows indexed per transaction: about 30 ms of work, so sync requests never wait long behind it. */
const INDEX_CHUNK = 500;

/**
 * The background catch-up pauses while the disk holding the database has less than this free: the
 * index is derived and can wait, while a push needs the last megabytes to be acknowledged. Without the
 * reserve, space freed on a full disk went to the index's backlog and pushes kept failing.
 */
export const INDEX_DISK_RESERVE_BYTES = 16 * 1024 * 1024;

/** Free bytes on the disk holding `path`; Infinity when it cannot be told (an in-memory database). */
export function freeBytesBeside(path: string): number {
  try {
    const stats = statfsSync(dirname(path));
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

interface StoredRow {
  seq: number;
  body: string;
}

/** What an index row held before it is re-indexed: what it counted under, if it was live. */
interface IndexedRow {
  ix: number;
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  created_ms: number;
  deleted: number;
}

/**
 * Fills the dashboard's tables derived from `annotations` (migration 4): one narrow row per annotation,
 * its excerpts, its tags, and a contentless FTS5 index of response, comment and correction. They are
 * filled by sequence number: every accepted change gets a higher seq, so "everything above the
 * watermark" is exactly what changed since the last catch-up, whoever wrote it (sync, `margin import`
 * in another process, the dashboard). The sync write path is untouched. The kept counts
 * (dashboard-counts.ts) change in the same transaction as the rows, so they always equal a count of them.
 */
export class DashboardIndexer {
  readonly #store: SqliteStore;
  readonly #db: Database.Database;
  readonly #statements;
  readonly #counts;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #running = false;

  readonly #freeBytes: () => number;

  constructor(store: SqliteStore, freeBytes: () => number = () => freeBytesBeside(store.path)) {
    this.#store = store;
    this.#freeBytes = freeBytes;
    this.#db = store.database;
    const db = this.#db;
    this.#statements = {
      watermark: db.prepare<[], number>("SELECT value FROM dashboard_state WHERE name = 'indexed_seq'").pluck(),
      setWatermark: db.prepare<[number]>("UPDATE dashboard_state SET value = ? WHERE name = 'indexed_seq'"),
      changed: db.prepare<[number, number], StoredRow>(
        'SELECT seq, body FROM annotations WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      pending: db.prepare<[number], number>('SELECT count(*) FROM annotations WHERE seq > ?').pluck(),
      indexed: db.prepare<[string], IndexedRow>(
        'SELECT ix, site, model, annotator, thumb, score, created_ms, deleted FROM dashboard_rows WHERE id = ?',
      ),
      tagsOf: db.prepare<[number], string>('SELECT tag FROM dashboard_tags WHERE ix = ?').pluck(),
      insertRow: db.prepare(
        `INSERT INTO dashboard_rows (id, site, model, annotator, thumb, score, created_ms, deleted, has_comment, has_correction)
         VALUES (@id, @site, @model, @annotator, @thumb, @score, @createdMs, @deleted, @hasComment, @hasCorrection)`,
      ),
      updateRow: db.prepare(
        `UPDATE dashboard_rows SET site = @site, model = @model, annotator = @annotator, thumb = @thumb, score = @score,
           created_ms = @createdMs, deleted = @deleted, has_comment = @hasComment, has_correction = @hasCorrection
         WHERE ix = @ix`,
      ),
      putExcerpt: db.prepare(
        `INSERT OR REPLACE INTO dashboard_excerpts (ix, created_at, updated_at, comment_excerpt, response_excerpt, tags)
         VALUES (@ix, @createdAt, @updatedAt, @commentExcerpt, @responseExcerpt, @tags)`,
      ),
      deleteTags: db.prepare<[number]>('DELETE FROM dashboard_tags WHERE ix = ?'),
      insertTag: db.prepare<[string, number]>('INSERT OR IGNORE INTO dashboard_tags (tag, ix) VALUES (?, ?)'),
      deleteText: db.prepare<[number]>('DELETE FROM dashboard_text WHERE rowid = ?'),
      insertText: db.prepare<[number, string, string, string]>(
        'INSERT INTO dashboard_text (rowid, response, comment, correction) VALUES (?, ?, ?, ?)',
      ),
    };
    this.#counts = dashboardCountStatements(db);
  }

  /** The highest seq indexed so far. */
  watermark(): number {
    return this.#statements.watermark.get() ?? 0;
  }

  /** Changes not yet indexed. */
  pending(): number {
    return this.#statements.pending.get(this.watermark()) ?? 0;
  }

  /** Indexes up to `maxRows` changed annotations, in transactions of a few hundred; returns how many. */
  catchUp(maxRows = Number.POSITIVE_INFINITY): number {
    let done = 0;
    while (done < maxRows) {
      const chunk = Math.min(INDEX_CHUNK, maxRows - done);
      const indexed = this.#db
        .transaction(() => {
          const since = this.watermark();
          const rows = this.#statements.changed.all(since, chunk);
          const deltas = new CountDeltas();
          for (const row of rows) this.#index(JSON.parse(row.body) as Annotation, deltas);
          this.#counts.apply(deltas.rows());
          const last = rows.at(-1);
          if (last) this.#statements.setWatermark.run(last.seq);
          return rows.length;
        })
        .immediate();
      done += indexed;
      if (indexed < chunk) break;
    }
    return done;
  }

  #index(annotation: Annotation, deltas: CountDeltas): void {
    const s = this.#statements;
    const derived = dashboardValues(annotation);
    const values = {
      ...derived,
      deleted: derived.deleted ? 1 : 0,
      hasComment: derived.hasComment ? 1 : 0,
      hasCorrection: derived.hasCorrection ? 1 : 0,
      tags: JSON.stringify(derived.tags),
    };
    const before = s.indexed.get(annotation.id);
    let ix: number;
    if (before === undefined) {
      ix = Number(s.insertRow.run(values).lastInsertRowid);
    } else {
      ix = before.ix;
      // dashboard_tags holds a live row's tags only, so they are what it counted under.
      if (before.deleted === 0) {
        deltas.add({ ...before, createdMs: before.created_ms, tags: s.tagsOf.all(ix) }, -1);
      }
      s.updateRow.run({ ...values, ix });
      s.deleteTags.run(ix);
      s.deleteText.run(ix);
    }
    s.putExcerpt.run({ ...values, ix });
    if (annotation.deletedAt !== null) return; // a tombstone is listed nowhere, found by no search, counted nowhere
    deltas.add(derived, 1);
    for (const tag of annotation.tags) s.insertTag.run(tag, ix);
    s.insertText.run(ix, annotation.response, annotation.comment, annotation.correction ?? '');
  }

  /**
   * Keeps the index caught up in the background, a chunk per event-loop turn. While changes keep
   * arriving (a large sync), it waits for a quiet moment so pushes keep the whole CPU, but never more
   * than `maxDeferMs` between chunks; a query catches up on small backlogs itself anyway.
   */
  start(idleIntervalMs = 250, maxDeferMs = 2_000): void {
    if (this.#running) return;
    this.#running = true;
    let lastSeq = this.#store.checkpointNow();
    let lastChunkAt = performance.now();
    const tick = () => {
      if (!this.#running) return;
      const seq = this.#store.checkpointNow();
      const writing = seq !== lastSeq;
      lastSeq = seq;
      if (writing && performance.now() - lastChunkAt < maxDeferMs) {
        this.#timer = setTimeout(tick, idleIntervalMs).unref();
        return;
      }
      let indexed = 0;
      if (this.#freeBytes() < INDEX_DISK_RESERVE_BYTES) {
        this.#timer = setTimeout(tick, idleIntervalMs).unref();
        return;
      }
      try {
        indexed = this.catchUp(INDEX_CHUNK);
        lastChunkAt = performance.now();
      } catch {
        // SQLITE_BUSY from another writer (margin import): try again on the next tick.
      }
      if (!this.#running) return;
      this.#timer = indexed === INDEX_CHUNK ? setImmediate(tick) : setTimeout(tick, idleIntervalMs).unref();
    };
    this.#timer = setImmediate(tick);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }
}
