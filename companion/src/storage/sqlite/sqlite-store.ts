import Database from 'better-sqlite3';
import type { Annotation, Comparison, ConversationRating, StatsResponse } from '../../../../shared/index.ts';
import { compareVersions, type VersionKey } from '../../sync/conflict-rule.ts';
import { flatten } from '../pages.ts';
import {
  type AnnotationIterationOptions,
  type AppliedChangeSet,
  type ChangePage,
  type ChangeSet,
  countResults,
  type ImportCounts,
  OWNED_TABLES,
  type OwnedTable,
  type SyncStore,
  type WriteResult,
} from '../store.ts';
import { versionHashOf } from '../version-hash.ts';
import { legacyHashRewriter } from './legacy-hashes.ts';
import { migrate, refuseNewerStore } from './migrations.ts';
import { explainOpenError } from './sqlite-open-errors.ts';
import { workerPages } from './sqlite-page-reader.ts';

export const DATABASE_FILE = 'margin.sqlite';

interface CurrentRow {
  seq: number;
  revision: number;
  updated_at_ms: number;
  deleted_at: string | null;
  annotator: string;
  device_id: string;
  hash: string;
}

type Kind = 'annotation' | 'comparison' | 'conversation-rating';
type SyncedRecord = Annotation | Comparison | ConversationRating;
type Table = 'annotations' | 'comparisons' | 'conversation_ratings';
/** Rows per page of an iteration: small enough that a page dies young (see BATCH_RECORDS in the export engine). */
const PAGE_ROWS = 128;
const TABLE: Record<Kind, Table> = {
  annotation: 'annotations',
  comparison: 'comparisons',
  'conversation-rating': 'conversation_ratings',
};
/** Columns besides the common ones, filled from the record by `extraColumns`. */
const EXTRA_COLUMNS: Record<Kind, string[]> = {
  annotation: ['key', 'site', 'conversation_id'],
  comparison: ['a', 'b'],
  'conversation-rating': ['key', 'site', 'conversation_id'],
};

function extraColumns(record: SyncedRecord): Record<string, string> {
  return 'key' in record
    ? { key: record.key, site: record.site, conversation_id: record.conversationId }
    : { a: record.a, b: record.b };
}

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
  readonly #rewriteLegacyHashes;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#rewriteLegacyHashes = legacyHashRewriter(db);
    const statementsFor = (kind: Kind) => {
      const table = TABLE[kind];
      return {
        current: db.prepare<[string], CurrentRow>(
          `SELECT seq, revision, updated_at_ms, deleted_at, annotator, device_id, hash FROM ${table} WHERE id = ?`,
        ),
        body: db.prepare<[string], string>(`SELECT body FROM ${table} WHERE id = ?`).pluck(),
        // New records (the common case) take one INSERT; only an existing id costs a read.
        insert: db.prepare(
          `INSERT INTO ${table} (id, seq, ${EXTRA_COLUMNS[kind].join(', ')}, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body)
           VALUES (@id, @seq, ${EXTRA_COLUMNS[kind].map((column) => `@${column}`).join(', ')}, @annotator, @revision, @updatedAt, @updatedAtMs, @deletedAt, @deviceId, @hash, @receivedAt, @body)
           ON CONFLICT (id) DO NOTHING`,
        ),
        replace: db.prepare(
          `UPDATE ${table} SET seq = @seq, ${EXTRA_COLUMNS[kind].map((column) => `${column} = @${column}`).join(', ')},
             annotator = @annotator, revision = @revision, updated_at = @updatedAt, updated_at_ms = @updatedAtMs,
             deleted_at = @deletedAt, device_id = @deviceId, hash = @hash, received_at = @receivedAt, body = @body
           WHERE id = @id`,
        ),
        archiveCurrent: db.prepare<[string, string]>(
          `INSERT OR IGNORE INTO history (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
           SELECT '${kind}', id, hash, revision, updated_at, deleted_at, device_id, received_at, ?, body FROM ${table} WHERE id = ?`,
        ),
      };
    };
    this.#statements = {
      annotation: statementsFor('annotation'),
      comparison: statementsFor('comparison'),
      'conversation-rating': statementsFor('conversation-rating'),
      maxSeq: db
        .prepare<[], number>(
          `SELECT max(coalesce((SELECT max(seq) FROM annotations), 0), coalesce((SELECT max(seq) FROM comparisons), 0),
             coalesce((SELECT max(seq) FROM conversation_ratings), 0))`,
        )
        .pluck(),
      archiveIncoming: db.prepare(
        `INSERT OR IGNORE INTO history (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
         VALUES (@kind, @id, @hash, @revision, @updatedAt, @deletedAt, @deviceId, @receivedAt, @receivedAt, @body)`,
      ),
      touchDevice: db.prepare(
        `INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
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

  async applyChanges(changes: ChangeSet): Promise<AppliedChangeSet> {
    return this.applyChangesNow(changes);
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
    return this.#db
      .transaction((): AppliedChangeSet => {
        const sequence = { last: this.#statements.maxSeq.get() ?? 0 };
        const annotations = changes.annotations.map((annotation) =>
          this.#applyOne('annotation', annotation, changes, sequence),
        );
        const comparisons = changes.comparisons.map((comparison) =>
          this.#applyOne('comparison', comparison, changes, sequence),
        );
        const conversationRatings = (changes.conversationRatings ?? []).map((rating) =>
          this.#applyOne('conversation-rating', rating, changes, sequence),
        );
        this.#statements.touchDevice.run(changes.deviceId, changes.receivedAt, changes.receivedAt);
        return { annotations, comparisons, conversationRatings, checkpoint: sequence.last };
      })
      .immediate();
  }

  #applyOne<T extends SyncedRecord>(
    kind: Kind,
    record: T,
    changes: ChangeSet,
    sequence: { last: number },
  ): WriteResult<T> {
    const statements = this.#statements[kind];
    const body = JSON.stringify(record);
    const hash = versionHashOf(record);
    const incoming: VersionKey = {
      deleted: record.deletedAt !== null,
      revision: record.revision,
      updatedAtMs: Date.parse(record.updatedAt),
      annotator: record.annotator,
      deviceId: changes.deviceId,
      hash,
    };
    // One parameter object for whichever statement runs: `seq` is set on it, not copied into a new one.
    const row = {
      seq: sequence.last + 1,
      id: record.id,
      annotator: record.annotator,
      revision: record.revision,
      updatedAt: record.updatedAt,
      updatedAtMs: incoming.updatedAtMs,
      deletedAt: record.deletedAt,
      deviceId: changes.deviceId,
      hash,
      receivedAt: changes.receivedAt,
      body,
      ...extraColumns(record),
    };
    if (statements.insert.run(row).changes === 1) {
      sequence.last += 1;
      return { status: 'accepted', seq: sequence.last };
    }
    const current = statements.current.get(record.id) as CurrentRow;
    if (current.hash === hash) return { status: 'unchanged', seq: current.seq };
    // Conversation ratings came after the hash change: no legacy hash to rewrite.
    if (kind !== 'conversation-rating') current.hash = this.#rewriteLegacyHashes(kind, record.id, current.hash);
    if (current.hash === hash) return { status: 'unchanged', seq: current.seq };
    const currentKey: VersionKey = {
      deleted: current.deleted_at !== null,
      revision: current.revision,
      updatedAtMs: current.updated_at_ms,
      annotator: current.annotator,
      deviceId: current.device_id,
      hash: current.hash,
    };
    if (compareVersions(incoming, currentKey) > 0) {
      statements.archiveCurrent.run(changes.receivedAt, record.id);
      sequence.last += 1;
      row.seq = sequence.last;
      statements.replace.run(row);
      return { status: 'accepted', seq: sequence.last };
    }
    this.#statements.archiveIncoming.run({ ...row, kind });
    const currentBody = statements.body.get(record.id) as string;
    return { status: 'superseded', seq: current.seq, current: JSON.parse(currentBody) as T };
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
    return this.#statements.maxSeq.get() ?? 0;
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
