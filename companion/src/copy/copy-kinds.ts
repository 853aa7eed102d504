/**
 * What `margin copy` moves, table by table, in an order where nothing refers to a row not yet copied
 * (history before the current versions that may replace them). Dashboard tables are left out: they
 * are derived from the annotations and rebuilt by the target's indexer. Sign-in codes and rate-limit
 * buckets are left out: they belong to one running server. The audit log is left out too: it is the
 * record of what happened on one server (its ids are that server's own), and a copy is itself no edit
 * by anyone; users and their token hashes are copied, so everyone keeps signing in with their token.
 */

/** A row as both databases agree on it: booleans as booleans, item_texts.content as the plain text. */
export type Row = Record<string, unknown>;

/**
 * How a row already in the target is treated:
 * - `keep`: the key says it all (a history version by its hash, a text by its hash, a skip): present is unchanged.
 * - `equal`: present and equal is unchanged; present and different is a conflict, reported, target kept.
 * - `versioned`: a current annotation or comparison; a newer version moves the target's to history
 *   when the source has seen it, see copy-store.ts.
 * - `review`: a pending review in the target takes the source's decision.
 */
export type CopyMode = 'keep' | 'equal' | 'versioned' | 'review';

export interface CopyKind {
  /** For people: the line of the summary. */
  label: string;
  table: string;
  /** The primary key. */
  key: readonly string[];
  /** Every column copied (the target's own: `seq` is handed out again, PostgreSQL's identities too). */
  columns: readonly string[];
  /** Columns SQLite keeps as 0/1 and PostgreSQL as boolean. */
  booleans?: readonly string[];
  /** Columns PostgreSQL keeps as a JSON string (it cannot hold U+0000). */
  jsonText?: readonly string[];
  /** The order rows are read in, per database (the order they were made in where it matters). */
  order: { sqlite: string; postgres: string };
  mode: CopyMode;
  /** Another unique column besides the key: a different row with the same value is a conflict. */
  unique?: string;
  /** The kind of `history` rows, for the versioned kinds. */
  historyKind?: 'annotation' | 'comparison' | 'conversation-rating';
}

const VERSIONED = [
  'id',
  'seq',
  'annotator',
  'revision',
  'updated_at',
  'updated_at_ms',
  'deleted_at',
  'device_id',
  'hash',
  'received_at',
  'body',
];

export const COPY_KINDS: readonly CopyKind[] = [
  {
    label: 'devices',
    table: 'devices',
    key: ['id'],
    columns: ['id', 'first_seen', 'last_seen'],
    order: { sqlite: 'id', postgres: 'id' },
    mode: 'keep',
  },
  {
    label: 'earlier versions',
    table: 'history',
    key: ['kind', 'id', 'hash'],
    columns: [
      'kind',
      'id',
      'hash',
      'revision',
      'updated_at',
      'deleted_at',
      'device_id',
      'received_at',
      'superseded_at',
      'body',
    ],
    order: { sqlite: 'kind, id, hash', postgres: 'kind, id, hash' },
    mode: 'keep',
  },
  {
    label: 'annotations',
    table: 'annotations',
    key: ['id'],
    columns: [...VERSIONED, 'key', 'site', 'conversation_id'],
    order: { sqlite: 'seq', postgres: 'seq' },
    mode: 'versioned',
    historyKind: 'annotation',
  },
  {
    label: 'comparisons',
    table: 'comparisons',
    key: ['id'],
    columns: [...VERSIONED, 'a', 'b'],
    order: { sqlite: 'seq', postgres: 'seq' },
    mode: 'versioned',
    historyKind: 'comparison',
  },
  {
    label: 'conversation ratings',
    table: 'conversation_ratings',
    key: ['id'],
    columns: [...VERSIONED, 'key', 'site', 'conversation_id'],
    order: { sqlite: 'seq', postgres: 'seq' },
    mode: 'versioned',
    historyKind: 'conversation-rating',
  },
  {
    label: 'users',
    table: 'users',
    key: ['name'],
    columns: ['name', 'role', 'kind', 'created_at', 'revoked_at'],
    order: { sqlite: 'name', postgres: 'name' },
    mode: 'equal',
  },
  {
    label: 'user tokens',
    table: 'user_tokens',
    key: ['hash'],
    columns: ['hash', 'user_name', 'purpose', 'created_at', 'expires_at'],
    order: { sqlite: 'hash', postgres: 'hash' },
    mode: 'keep',
  },
  {
    label: 'reviews',
    table: 'reviews',
    key: ['id'],
    columns: [
      'id',
      'key',
      'request_hash',
      'request',
      'status',
      'created_at',
      'expires_at',
      'expires_at_ms',
      'resolved_at',
      'reviewer',
      'input',
      'comment',
      'annotation_id',
    ],
    order: { sqlite: 'rowid', postgres: 'ix' },
    mode: 'review',
    unique: 'key',
  },
  {
    label: 'item texts',
    table: 'item_texts',
    key: ['hash'],
    columns: ['hash', 'role', 'content'],
    jsonText: ['content'],
    order: { sqlite: 'hash', postgres: 'hash' },
    mode: 'keep',
  },
  {
    label: 'import runs',
    table: 'import_runs',
    key: ['id'],
    columns: [
      'id',
      'source',
      'file',
      'status',
      'dry_run',
      'started_at',
      'updated_at',
      'finished_at',
      'summary',
      'error',
    ],
    booleans: ['dry_run'],
    order: { sqlite: 'started_at, id', postgres: 'started_at, id' },
    mode: 'equal',
  },
  {
    label: 'items',
    table: 'items',
    key: ['id'],
    columns: [
      'id',
      'key',
      'source',
      'site',
      'conversation_id',
      'model',
      'created_ms',
      'turns',
      'has_code',
      'run_id',
      'context',
      'body',
    ],
    booleans: ['has_code'],
    order: { sqlite: 'id', postgres: 'id' },
    mode: 'equal',
    unique: 'key',
  },
  {
    label: 'item skips',
    table: 'item_skips',
    key: ['item_id', 'annotator'],
    columns: ['item_id', 'annotator', 'skipped_at'],
    order: { sqlite: 'item_id, annotator', postgres: 'item_id, annotator' },
    mode: 'keep',
  },
  {
    label: 'imported conversations',
    table: 'history_conversations',
    key: ['site', 'conversation_id'],
    columns: ['site', 'conversation_id', 'fingerprint', 'run_id', 'imported_at'],
    order: { sqlite: 'site, conversation_id', postgres: 'site, conversation_id' },
    mode: 'equal',
  },
];
