import type Database from 'better-sqlite3';
import type { Annotation, Comparison, ConversationRating } from '../../../../shared/index.ts';
import { compareVersions, type VersionKey } from '../../sync/conflict-rule.ts';
import type { AppliedChangeSet, ChangeSet, WriteResult } from '../store.ts';
import { versionHashOf } from '../version-hash.ts';
import { legacyHashRewriter } from './legacy-hashes.ts';

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
const TABLE: Record<Kind, string> = {
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

function prepareFor(db: Database.Database, kind: Kind) {
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
}

/**
 * The write path of the SQLite sync store: a change set applied record by record under the conflict
 * rule, with prepared statements. It opens no transaction: the store wraps `apply` in one (or a
 * savepoint inside a caller's).
 */
export class SqliteSyncWrites {
  readonly #statements;
  readonly #rewriteLegacyHashes;

  constructor(db: Database.Database) {
    this.#rewriteLegacyHashes = legacyHashRewriter(db);
    this.#statements = {
      annotation: prepareFor(db, 'annotation'),
      comparison: prepareFor(db, 'comparison'),
      'conversation-rating': prepareFor(db, 'conversation-rating'),
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
    };
  }

  /** The highest sequence number handed out. */
  checkpoint(): number {
    return this.#statements.maxSeq.get() ?? 0;
  }

  /** Applies `changes`; the caller holds the write transaction (IMMEDIATE, so max(seq) is ours). */
  apply(changes: ChangeSet): AppliedChangeSet {
    const sequence = { last: this.checkpoint() };
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
}
