import Database from 'better-sqlite3';
import type { Annotation, Comparison, ConversationRating, StatsResponse } from '../../../../shared/index.ts';
import { flatten } from '../pages.ts';
import {
  type AnnotationIterationOptions,
  type AppliedChangeSet,
  type ApplyOptions,
  type ChangePage,
  type ChangeSet,
  countResults,
  type ImportCounts,
  OWNED_TABLES,
  type OwnedTable,
  type SyncStore,
} from '../store.ts';
import { migrate, refuseNewerStore } from './migrations.ts';
import { explainOpenError } from './sqlite-open-errors.ts';
import { workerPages } from './sqlite-page-reader.ts';
import { SqliteSyncWrites } from './sqlite-sync-writes.ts';

export const DATABASE_FILE = 'margin.sqlite';

type Table = 'annotations' | 'comparisons' | 'conversation_ratings';
/** Rows per page of an iteration: small enough that a page dies young (see BATCH_RECORDS in the export engine). */
const PAGE_ROWS = 128;

/** Opens (creating and migrating when needed) the SQLite database at `path`. */
export function openSqliteStore(path: string): SqliteStore {
  const db = new Database(path);
  try {
    // Before any pragma that writes (journal_mode = WAL rewrites the header): a store from a newer
    // Margin, or a file that is not a Margin database, must be left exactly as it was.
    refuseNewerStore(db);
    // WAL lets exports read while sync writes. synchronous=FULL fsyncs the WAL at every commit, so a
    // push the companion acknowledged survives a power loss too, not only a crash of the process
    // (NORMAL may roll back the last commits after a power loss). Commits are one per batch, so the
    // fsync is paid once per hundreds of records.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw explainOpenError(error, path);
  }
  return new SqliteStore(db, path);
}

/**
 * The sync store on SQLite. better-sqlite3 is synchronous: each async method does its work at once and
 * answers a settled Promise. The `…Now` methods are the same work for callers already inside a
 * transaction on this connection (a review's decision, a dashboard edit), which nests as a savepoint.
 */
export class SqliteStore implements SyncStore {
  readonly #db: Database.Database;
  readonly #path: string;
  /** Read connections of iterations in progress, closed with the store. */
  /** How to stop each iteration still reading (its own connection, or its worker thread). */
  readonly #readers = new Set<() => void>();
  readonly #statements;
  readonly #writes: SqliteSyncWrites;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#writes = new SqliteSyncWrites(db);
    this.#statements = {
      annotationsSince: db.prepare<[number, number], { seq: number; body: string }>(
        'SELECT seq, body FROM annotations WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      comparisonsSince: db.prepare<[number, number], { seq: number; body: string }>(
        'SELECT seq, body FROM comparisons WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      conversationRatingsSince: db.prepare<[number, number], { seq: number; body: string }>(
        'SELECT seq, body FROM conversation_ratings WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      conversationRatingsOf: db
        .prepare<[string], string>(
          `SELECT body FROM conversation_ratings WHERE key = ? AND deleted_at IS NULL
           ORDER BY updated_at_ms DESC, annotator, id`,
        )
        .pluck(),
      counts: db.prepare<[], Record<string, number>>(
        `SELECT
           (SELECT count(*) FROM annotations WHERE deleted_at IS NULL) AS liveAnnotations,
           (SELECT count(*) FROM annotations WHERE deleted_at IS NOT NULL) AS deletedAnnotations,
           (SELECT count(*) FROM comparisons WHERE deleted_at IS NULL) AS liveComparisons,
           (SELECT count(*) FROM comparisons WHERE deleted_at IS NOT NULL) AS deletedComparisons,
           (SELECT count(*) FROM history) AS history,
           (SELECT count(*) FROM devices) AS devices`,
      ),
    };
  }

  /** The underlying connection, for diagnostics (`PRAGMA integrity_check`) and tests. */
  get database(): Database.Database {
    return this.#db;
  }

  /** The database file. */
  get path(): string {
    return this.#path;
  }

  async applyChanges(changes: ChangeSet, options: ApplyOptions = {}): Promise<AppliedChangeSet> {
    if (options.flush !== false) return this.applyChangesNow(changes);
    // A push's turns but the last: under WAL, synchronous = NORMAL writes the commit to the WAL
    // without an fsync; the last turn's commit (FULL) fsyncs the WAL file, and with it every frame
    // written before. Back to FULL at once, so every other write on this connection is flushed.
    this.#db.pragma('synchronous = NORMAL');
    try {
      return this.applyChangesNow(changes);
    } finally {
      this.#db.pragma('synchronous = FULL');
    }
  }

  async applyAllChanges(batches: Iterable<ChangeSet>): Promise<ImportCounts> {
    const counts: ImportCounts = { accepted: 0, unchanged: 0, superseded: 0 };
    // Each batch's own transaction nests as a savepoint inside this one: one commit at the end.
    this.#db
      .transaction(() => {
        for (const changes of batches) countResults(counts, this.applyChangesNow(changes));
      })
      .immediate();
    return counts;
  }

  applyChangesNow(changes: ChangeSet): AppliedChangeSet {
    // IMMEDIATE: take the write lock before reading max(seq), so another process writing the same file
    // (`margin import` while `margin serve` runs) cannot hand out the same sequence numbers.
    return this.#db.transaction(() => this.#writes.apply(changes)).immediate();
  }

  async changesSince(since: number, limit: number): Promise<ChangePage> {
    // Take one more than asked from each table, merge by seq, and cut at `limit`: whatever is left
    // over means there is more to pull.
    const annotationRows = this.#statements.annotationsSince.all(since, limit + 1);
    const comparisonRows = this.#statements.comparisonsSince.all(since, limit + 1);
    const ratingRows = this.#statements.conversationRatingsSince.all(since, limit + 1);
    const merged = [
      ...annotationRows.map((row) => ({ ...row, kind: 'annotation' as const })),
      ...comparisonRows.map((row) => ({ ...row, kind: 'comparison' as const })),
      ...ratingRows.map((row) => ({ ...row, kind: 'conversation-rating' as const })),
    ].sort((a, b) => a.seq - b.seq);
    const page = merged.slice(0, limit);
    const annotations: Annotation[] = [];
    const comparisons: Comparison[] = [];
    const conversationRatings: ConversationRating[] = [];
    for (const row of page) {
      if (row.kind === 'annotation') annotations.push(JSON.parse(row.body) as Annotation);
      else if (row.kind === 'comparison') comparisons.push(JSON.parse(row.body) as Comparison);
      else conversationRatings.push(JSON.parse(row.body) as ConversationRating);
    }
    return {
      annotations,
      comparisons,
      conversationRatings,
      checkpoint: page.at(-1)?.seq ?? since,
      hasMore: merged.length > limit,
    };
  }

  async annotatorsOf(table: OwnedTable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = this.#db
      .prepare<[string], { id: string; annotator: string }>(
        `SELECT id, annotator FROM ${OWNED_TABLES[table]}
         WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids));
    return new Map(rows.map((row) => [row.id, row.annotator]));
  }

  async checkpoint(): Promise<number> {
    return this.checkpointNow();
  }

  checkpointNow(): number {
    return this.#writes.checkpoint();
  }

  async stats(): Promise<StatsResponse> {
    const counts = this.#statements.counts.get() as Record<string, number>;
    return {
      annotations: { live: counts.liveAnnotations ?? 0, deleted: counts.deletedAnnotations ?? 0 },
      comparisons: { live: counts.liveComparisons ?? 0, deleted: counts.deletedComparisons ?? 0 },
      history: counts.history ?? 0,
      devices: counts.devices ?? 0,
      checkpoint: this.checkpointNow(),
    };
  }

  async conversationRatingsOf(key: string): Promise<ConversationRating[]> {
    return this.#statements.conversationRatingsOf.all(key).map((body) => JSON.parse(body) as ConversationRating);
  }

  iterateAnnotations(options: AnnotationIterationOptions = {}): AsyncIterableIterator<Annotation> {
    return flatten(this.iterateAnnotationPages(options));
  }

  iterateAnnotationPages(options: AnnotationIterationOptions = {}): AsyncIterableIterator<Annotation[]> {
    const order = options.order === 'conversation' ? 'site, conversation_id, seq' : 'seq';
    const where = options.includeDeleted ? '' : 'WHERE deleted_at IS NULL';
    // The big table: stepped on a worker thread while this one parses (see sqlite-page-reader.ts).
    return workerPages<Annotation>(
      this.#path,
      `SELECT body FROM annotations ${where} ORDER BY ${order}`,
      this.#readers,
    );
  }

  iterateComparisons(options: { includeDeleted?: boolean } = {}): AsyncIterableIterator<Comparison> {
    return flatten(this.#pages<Comparison>('comparisons', options.includeDeleted ?? false, 'seq'));
  }

  iterateConversationRatings(options: { includeDeleted?: boolean } = {}): AsyncIterableIterator<ConversationRating> {
    return flatten(this.#pages<ConversationRating>('conversation_ratings', options.includeDeleted ?? false, 'seq'));
  }

  /**
   * Streams from a read connection of its own: better-sqlite3 refuses other statements on a connection
   * while it iterates, and an export consumes this across awaits while sync keeps writing. Under WAL
   * the iteration reads one consistent snapshot. The connection closes when iteration ends or is
   * abandoned with `return()` (a `break` in for await…of).
   */
  async *#pages<T>(
    table: Table,
    includeDeleted: boolean,
    order: 'seq' | 'site, conversation_id, seq',
  ): AsyncGenerator<T[], void, undefined> {
    const reader = new Database(this.#path, { readonly: true, fileMustExist: true });
    const stop = () => reader.close();
    this.#readers.add(stop);
    try {
      const where = includeDeleted ? '' : 'WHERE deleted_at IS NULL';
      const rows = reader.prepare<[], string>(`SELECT body FROM ${table} ${where} ORDER BY ${order}`).pluck().iterate();
      let page: T[] = [];
      for (const body of rows) {
        page.push(JSON.parse(body) as T);
        if (page.length === PAGE_ROWS) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    } finally {
      this.#readers.delete(stop);
      reader.close();
    }
  }

  close(): void {
    for (const stop of this.#readers) stop();
    this.#readers.clear();
    if (this.#db.open) this.#db.close();
  }
}
