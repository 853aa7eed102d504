import type Database from 'better-sqlite3';
import { upgradeAnnotationBodies } from './annotation-v2-upgrade.ts';
import { createDashboardCounts } from './dashboard-counts-sql.ts';
import { QUEUE_TABLES_SQL } from './queue-tables.ts';

/**
 * Numbered schema migrations. Each runs once, in order, inside its own transaction that also records
 * `PRAGMA user_version`, so a crash mid-migration leaves the database at the previous version.
 * Never edit or remove a released migration: add the next number (see CONTRIBUTING.md).
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'current annotations and comparisons, superseded versions, devices',
    up(db) {
      // `seq` is the sync sequence number of the current version: unique across both record tables
      // (one counter), and it only grows. `body` is the validated record as JSON; the other columns
      // are what the conflict rule and queries need without parsing it. `hash` identifies a version.
      db.exec(`
        CREATE TABLE annotations (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL UNIQUE,
          key TEXT NOT NULL,
          site TEXT NOT NULL,
          annotator TEXT NOT NULL,
          revision INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          deleted_at TEXT,
          device_id TEXT NOT NULL,
          hash TEXT NOT NULL,
          received_at TEXT NOT NULL,
          body TEXT NOT NULL
        ) STRICT;
        CREATE INDEX annotations_key ON annotations (key, annotator);

        CREATE TABLE comparisons (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL UNIQUE,
          a TEXT NOT NULL,
          b TEXT NOT NULL,
          annotator TEXT NOT NULL,
          revision INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          deleted_at TEXT,
          device_id TEXT NOT NULL,
          hash TEXT NOT NULL,
          received_at TEXT NOT NULL,
          body TEXT NOT NULL
        ) STRICT;

        -- Versions that lost the conflict rule, or were replaced by a winner: never silently dropped.
        CREATE TABLE history (
          kind TEXT NOT NULL CHECK (kind IN ('annotation', 'comparison')),
          id TEXT NOT NULL,
          hash TEXT NOT NULL,
          revision INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          deleted_at TEXT,
          device_id TEXT NOT NULL,
          received_at TEXT NOT NULL,
          superseded_at TEXT NOT NULL,
          body TEXT NOT NULL,
          PRIMARY KEY (kind, id, hash)
        ) STRICT;

        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          first_seen TEXT NOT NULL,
          last_seen TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    description: "annotations.conversation_id, so exports can read a conversation's annotations together",
    up(db) {
      db.exec(`
        ALTER TABLE annotations ADD COLUMN conversation_id TEXT NOT NULL DEFAULT '';
        UPDATE annotations SET conversation_id = json_extract(body, '$.conversationId');
        CREATE INDEX annotations_conversation ON annotations (site, conversation_id, seq);
      `);
    },
  },
  {
    version: 3,
    description: 'reviews: the human review queue (pending reviews survive a restart)',
    up(db) {
      // `request` is the validated review request as JSON; `request_hash` tells a replay of the same
      // idempotency key from a conflicting reuse. `expires_at_ms` drives the expiry timer and the lazy
      // check on read. A decision's annotation lives in `annotations` like any other (site `review`).
      db.exec(`
        CREATE TABLE reviews (
          id TEXT PRIMARY KEY,
          key TEXT UNIQUE,
          request_hash TEXT NOT NULL,
          request TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
          created_at TEXT NOT NULL,
          expires_at TEXT,
          expires_at_ms INTEGER,
          resolved_at TEXT,
          reviewer TEXT,
          input TEXT,
          comment TEXT,
          annotation_id TEXT
        ) STRICT;
        CREATE INDEX reviews_status ON reviews (status, created_at);
        CREATE INDEX reviews_expiry ON reviews (expires_at_ms) WHERE status = 'pending';
      `);
    },
  },
  {
    version: 4,
    description: 'dashboard: a search and filter index of annotations, filled lazily by sequence number',
    up(db) {
      // Derived data only: `dashboard-indexer.ts` fills these tables from `annotations` in the background
      // (rows whose seq is above `dashboard_state.indexed_seq`), so the sync write path pays nothing
      // for them. `dashboard_rows` is kept narrow (what filters, sorts and charts read; a scan of 100,000
      // rows stays a few MB) and the table's text excerpts live beside it. `ix` is an INTEGER PRIMARY
      // KEY so VACUUM keeps it, and it is the rowid of the full-text index, which is contentless: it
      // keeps the index, not a second copy of the text. Each (deleted, column) index serves the count
      // under that column's filter and the sort by it (the rowid ends every index: the tie-break).
      db.exec(`
        CREATE TABLE dashboard_rows (
          ix INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          site TEXT NOT NULL,
          model TEXT,
          annotator TEXT NOT NULL,
          thumb TEXT,
          score INTEGER,
          created_ms INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          has_comment INTEGER NOT NULL,
          has_correction INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX dashboard_rows_created ON dashboard_rows (deleted, created_ms);
        CREATE INDEX dashboard_rows_score ON dashboard_rows (deleted, score);
        CREATE INDEX dashboard_rows_site ON dashboard_rows (deleted, site);
        CREATE INDEX dashboard_rows_model ON dashboard_rows (deleted, model);
        CREATE INDEX dashboard_rows_annotator ON dashboard_rows (deleted, annotator);
        CREATE INDEX dashboard_rows_thumb ON dashboard_rows (deleted, thumb);
        CREATE TABLE dashboard_excerpts (
          ix INTEGER PRIMARY KEY,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          comment_excerpt TEXT NOT NULL,
          response_excerpt TEXT NOT NULL,
          tags TEXT NOT NULL
        ) STRICT;
        CREATE TABLE dashboard_tags (
          tag TEXT NOT NULL,
          ix INTEGER NOT NULL,
          PRIMARY KEY (tag, ix)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX dashboard_tags_ix ON dashboard_tags (ix);
        CREATE VIRTUAL TABLE dashboard_text USING fts5 (
          response, comment, correction,
          content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TABLE dashboard_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
        INSERT INTO dashboard_state (name, value) VALUES ('indexed_seq', 0);
      `);
    },
  },
  {
    version: 5,
    description: 'annotation schema v2: stored version-1 annotations (current and history) rewritten, with new hashes',
    up(db) {
      // Data only, no table changes: `reasoning` and the completeness metadata live in the JSON body.
      upgradeAnnotationBodies(db);
    },
  },
  {
    version: 6,
    description: 'dashboard sign-in codes and rate-limit buckets, kept in the database',
    up(db) {
      // So several companion processes on one database share them (PostgreSQL), and a restart keeps
      // a rate limit's state. A code is kept as its digest only.
      db.exec(`
        CREATE TABLE sign_in_codes (
          digest TEXT PRIMARY KEY,
          issued_at_ms INTEGER NOT NULL,
          expires_at_ms INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE rate_limit_buckets (
          key TEXT PRIMARY KEY,
          tokens REAL NOT NULL,
          at_ms REAL NOT NULL,
          allowed INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 7,
    description: 'items (responses waiting for judgement, from history imports) and import runs',
    up(db) {
      // An item's context is stored as a list of hashes into `item_texts`, each message once: the items
      // of a 200-turn conversation share their turns instead of storing the whole conversation 200
      // times. `body` is the item's JSON without `context`; the other columns are what the Rate view
      // filters and orders on. `history_conversations` remembers each imported conversation's
      // fingerprint, so importing the same export again skips it.
      db.exec(`
        CREATE TABLE item_texts (
          hash TEXT PRIMARY KEY,
          role TEXT NOT NULL,
          content TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE items (
          id TEXT PRIMARY KEY,
          key TEXT NOT NULL UNIQUE,
          source TEXT NOT NULL,
          site TEXT NOT NULL,
          conversation_id TEXT NOT NULL,
          model TEXT,
          created_ms INTEGER NOT NULL,
          turns INTEGER NOT NULL,
          has_code INTEGER NOT NULL,
          run_id TEXT,
          context TEXT NOT NULL,
          body TEXT NOT NULL
        ) STRICT;
        CREATE INDEX items_created ON items (created_ms DESC, id);
        CREATE INDEX items_site ON items (site, created_ms DESC);
        CREATE INDEX items_model ON items (model, created_ms DESC);
        CREATE TABLE item_skips (
          item_id TEXT NOT NULL,
          annotator TEXT NOT NULL,
          skipped_at TEXT NOT NULL,
          PRIMARY KEY (item_id, annotator)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE history_conversations (
          site TEXT NOT NULL,
          conversation_id TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          run_id TEXT,
          imported_at TEXT NOT NULL,
          PRIMARY KEY (site, conversation_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE import_runs (
          id TEXT PRIMARY KEY,
          source TEXT NOT NULL,
          file TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
          dry_run INTEGER NOT NULL,
          started_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          finished_at TEXT,
          summary TEXT NOT NULL,
          error TEXT
        ) STRICT;
        CREATE INDEX import_runs_started ON import_runs (started_at DESC);
      `);
    },
  },
  {
    version: 8,
    description: 'conversation ratings (a judgement of a whole conversation), and history accepting them',
    up(db) {
      // Same columns as comparisons, with the conversation's key, site and id for look-ups by conversation.
      // The history table's CHECK names the record kinds, and SQLite cannot alter a CHECK: the table is
      // rebuilt with the new kind, every row copied.
      db.exec(`
        CREATE TABLE conversation_ratings (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL UNIQUE,
          key TEXT NOT NULL,
          site TEXT NOT NULL,
          conversation_id TEXT NOT NULL,
          annotator TEXT NOT NULL,
          revision INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          deleted_at TEXT,
          device_id TEXT NOT NULL,
          hash TEXT NOT NULL,
          received_at TEXT NOT NULL,
          body TEXT NOT NULL
        ) STRICT;
        CREATE INDEX conversation_ratings_key ON conversation_ratings (key, annotator);

        CREATE TABLE history_next (
          kind TEXT NOT NULL CHECK (kind IN ('annotation', 'comparison', 'conversation-rating')),
          id TEXT NOT NULL,
          hash TEXT NOT NULL,
          revision INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          deleted_at TEXT,
          device_id TEXT NOT NULL,
          received_at TEXT NOT NULL,
          superseded_at TEXT NOT NULL,
          body TEXT NOT NULL,
          PRIMARY KEY (kind, id, hash)
        ) STRICT;
        INSERT INTO history_next (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
          SELECT kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body FROM history;
        DROP TABLE history;
        ALTER TABLE history_next RENAME TO history;
      `);
    },
  },
  {
    version: 9,
    description: 'accounts: users, their tokens (hashes only), the audit log; sign-in codes remember who asked',
    up(db) {
      // A token is kept only as its SHA-256 (companion/src/accounts/user-tokens.ts says why that is
      // enough). `purpose` tells a personal token (`margin user add/rotate`) from a dashboard session
      // made by a sign-in code; rotating or revoking a user deletes both. `user_name` on a sign-in code
      // is who asked for it (NULL: the pairing token's owner), so the code signs in as them.
      db.exec(`
        CREATE TABLE users (
          name TEXT PRIMARY KEY,
          role TEXT NOT NULL CHECK (role IN ('admin', 'annotator', 'viewer')),
          kind TEXT NOT NULL CHECK (kind IN ('human', 'model')),
          created_at TEXT NOT NULL,
          revoked_at TEXT
        ) STRICT;
        CREATE TABLE user_tokens (
          hash TEXT PRIMARY KEY,
          user_name TEXT NOT NULL REFERENCES users (name),
          purpose TEXT NOT NULL CHECK (purpose IN ('personal', 'dashboard')),
          created_at TEXT NOT NULL,
          expires_at TEXT
        ) STRICT;
        CREATE INDEX user_tokens_user ON user_tokens (user_name);
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT,
          details TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_log_actor ON audit_log (actor, id);
        CREATE INDEX audit_log_at ON audit_log (at, id);
        ALTER TABLE sign_in_codes ADD COLUMN user_name TEXT;
      `);
    },
  },
  {
    version: 10,
    description: 'campaign queues: queues, their items, leases, answers and skips, adjudications',
    up(db) {
      db.exec(QUEUE_TABLES_SQL);
    },
  },
  {
    version: 11,
    description: 'dashboard: counts per facet value kept by the indexer (the total, filters and charts at a million)',
    up(db) {
      createDashboardCounts(db);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

/** The database's schema version, or an error naming both versions when it is newer than `latest`. */
export function refuseNewerStore(db: Database.Database, latest = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new Error(
      `the database is at version ${current}, newer than this Margin understands (${latest}); upgrade Margin`,
    );
  }
  return current;
}

/** Brings `db` up to the newest version in `migrations`; returns the versions it applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  const current = refuseNewerStore(db, latest);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
