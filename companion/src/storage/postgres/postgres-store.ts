import type { Annotation, Comparison, ConversationRating, StatsResponse } from '../../../../shared/index.ts';
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
} from '../store.ts';
import type { Sql, Tx } from './connect.ts';
import { copyPages } from './copy-pages.ts';
import { type IncomingRecord, type SyncedRecord, toVersion } from './plan-changes.ts';
import { writeVersions } from './write-versions.ts';

/**
 * Rows fetched per round trip while an export streams: under 1 MB of typical annotations. A fetch
 * of 1,000 outlived the young generation's collections, so its rows were promoted and collected
 * late: peak RSS of a 400,000-row export 286–295 MB at 1,000 (with 512-line batches), 217 MB at
 * 250 (with 128), at the same speed (docs/benchmarks.md, "Team server").
 */
const CURSOR_ROWS = 250;

/** The change set's records in their stored form, annotations first (the SQLite store's order). */
export function incomingVersions(changes: ChangeSet) {
  const from = (kind: IncomingRecord['kind'], record: SyncedRecord) =>
    toVersion({ kind, record, deviceId: changes.deviceId, receivedAt: changes.receivedAt }, 0);
  return [
    ...changes.annotations.map((record) => from('annotation', record)),
    ...changes.comparisons.map((record) => from('comparison', record)),
    ...(changes.conversationRatings ?? []).map((record) => from('conversation-rating', record)),
  ];
}

/**
 * The sync store on PostgreSQL. Writes go through `writeVersions` in one transaction, serialised on
 * the sequence counter; reads are single statements (one snapshot each), and iteration is a
 * server-side cursor, so an export's memory stays flat whatever the size of the store.
 */
export class PostgresStore implements SyncStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  get sql(): Sql {
    return this.#sql;
  }

  // No `options.flush` here: a push is one transaction on PostgreSQL (PUSH_TRANSACTION_RECORDS), and
  // each commit waits for its WAL flush (synchronous_commit = on).
  async applyChanges(changes: ChangeSet): Promise<AppliedChangeSet> {
    // Hashing and serialising happen before the transaction: the counter's lock is held for the writes only.
    const versions = incomingVersions(changes);
    return this.#sql.begin((tx) =>
      writeVersions(tx, versions, [{ id: changes.deviceId, at: changes.receivedAt }]),
    ) as Promise<AppliedChangeSet>;
  }

  async applyAllChanges(batches: Iterable<ChangeSet>): Promise<ImportCounts> {
    // The sequence counter stays locked until the commit: other writers wait for the whole import.
    return this.#sql.begin(async (tx) => {
      const counts: ImportCounts = { accepted: 0, unchanged: 0, superseded: 0 };
      for (const changes of batches) countResults(counts, await this.applyChangesIn(tx, changes));
      return counts;
    }) as Promise<ImportCounts>;
  }

  /** `applyChanges` inside a transaction the caller already holds (a review's decision, a dashboard edit). */
  applyChangesIn(tx: Tx, changes: ChangeSet): Promise<AppliedChangeSet> {
    return writeVersions(tx, incomingVersions(changes), [{ id: changes.deviceId, at: changes.receivedAt }]);
  }

  async changesSince(since: number, limit: number): Promise<ChangePage> {
    // One statement, so one snapshot for both tables: two would let a change commit between them.
    const rows = await this.#sql<{ kind: 'a' | 'c' | 'r'; seq: number; body: string }[]>`
      (SELECT 'a' AS kind, seq, body FROM annotations WHERE seq > ${since} ORDER BY seq LIMIT ${limit + 1})
      UNION ALL
      (SELECT 'c' AS kind, seq, body FROM comparisons WHERE seq > ${since} ORDER BY seq LIMIT ${limit + 1})
      UNION ALL
      (SELECT 'r' AS kind, seq, body FROM conversation_ratings WHERE seq > ${since} ORDER BY seq LIMIT ${limit + 1})
      ORDER BY seq LIMIT ${limit + 1}`;
    const page = rows.slice(0, limit);
    const annotations: Annotation[] = [];
    const comparisons: Comparison[] = [];
    const conversationRatings: ConversationRating[] = [];
    for (const row of page) {
      if (row.kind === 'a') annotations.push(JSON.parse(row.body) as Annotation);
      else if (row.kind === 'c') comparisons.push(JSON.parse(row.body) as Comparison);
      else conversationRatings.push(JSON.parse(row.body) as ConversationRating);
    }
    return {
      annotations,
      comparisons,
      conversationRatings,
      checkpoint: page.at(-1)?.seq ?? since,
      hasMore: rows.length > limit,
    };
  }

  async annotatorsOf(table: OwnedTable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#sql<{ id: string; annotator: string }[]>`
      SELECT id, annotator FROM ${this.#sql(OWNED_TABLES[table])}
      WHERE id = ANY(${[...ids]}::text[])`;
    return new Map(rows.map((row) => [row.id, row.annotator]));
  }

  async checkpoint(): Promise<number> {
    const [row] = await this.#sql<{ last_seq: number }[]>`SELECT last_seq FROM sync_sequence`;
    return row?.last_seq ?? 0;
  }

  async stats(): Promise<StatsResponse> {
    const [counts] = await this.#sql<Record<string, number>[]>`
      SELECT
        (SELECT count(*) FROM annotations WHERE deleted_at IS NULL) AS live_annotations,
        (SELECT count(*) FROM annotations WHERE deleted_at IS NOT NULL) AS deleted_annotations,
        (SELECT count(*) FROM comparisons WHERE deleted_at IS NULL) AS live_comparisons,
        (SELECT count(*) FROM comparisons WHERE deleted_at IS NOT NULL) AS deleted_comparisons,
        (SELECT count(*) FROM history) AS history,
        (SELECT count(*) FROM devices) AS devices,
        (SELECT last_seq FROM sync_sequence) AS checkpoint`;
    return {
      annotations: { live: counts?.live_annotations ?? 0, deleted: counts?.deleted_annotations ?? 0 },
      comparisons: { live: counts?.live_comparisons ?? 0, deleted: counts?.deleted_comparisons ?? 0 },
      history: counts?.history ?? 0,
      devices: counts?.devices ?? 0,
      checkpoint: counts?.checkpoint ?? 0,
    };
  }

  async conversationRatingsOf(key: string): Promise<ConversationRating[]> {
    const rows = await this.#sql<{ body: string }[]>`
      SELECT body FROM conversation_ratings WHERE key = ${key} AND deleted_at IS NULL
      ORDER BY updated_at_ms DESC, annotator, id`;
    return rows.map((row) => JSON.parse(row.body) as ConversationRating);
  }

  iterateAnnotations(options: AnnotationIterationOptions = {}): AsyncIterableIterator<Annotation> {
    return flatten(this.iterateAnnotationPages(options));
  }

  iterateAnnotationPages(options: AnnotationIterationOptions = {}): AsyncIterableIterator<Annotation[]> {
    const order = options.order === 'conversation' ? 'site, conversation_id, seq' : 'seq';
    const where = options.includeDeleted ? '' : 'WHERE deleted_at IS NULL';
    // The big table: streamed with COPY, no round trip per fetch (see copy-pages.ts).
    return copyPages<Annotation>(this.#sql, `SELECT body FROM annotations ${where} ORDER BY ${order}`);
  }

  iterateComparisons(options: { includeDeleted?: boolean } = {}): AsyncIterableIterator<Comparison> {
    return flatten(this.#pages<Comparison>('comparisons', options.includeDeleted ?? false, 'seq'));
  }

  iterateConversationRatings(options: { includeDeleted?: boolean } = {}): AsyncIterableIterator<ConversationRating> {
    return flatten(this.#pages<ConversationRating>('conversation_ratings', options.includeDeleted ?? false, 'seq'));
  }

  /**
   * A cursor over one statement (one snapshot), fetched a page at a time. Leaving the loop early
   * (`return()`) closes the cursor and gives its connection back.
   */
  async *#pages<T>(
    table: 'annotations' | 'comparisons' | 'conversation_ratings',
    includeDeleted: boolean,
    order: 'seq' | 'site, conversation_id, seq',
  ): AsyncGenerator<T[], void, undefined> {
    const where = includeDeleted ? '' : 'WHERE deleted_at IS NULL';
    const cursor = this.#sql.unsafe<{ body: string }[]>(`SELECT body FROM ${table} ${where} ORDER BY ${order}`);
    for await (const rows of cursor.cursor(CURSOR_ROWS)) {
      yield rows.map((row) => JSON.parse(row.body) as T);
    }
  }
}
