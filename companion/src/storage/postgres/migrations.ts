import type { Sql, Tx } from './connect.ts';
import { createDashboardCounts } from './dashboard-counts-sql.ts';
import { PG_QUEUE_TABLES_SQL } from './queue-tables.ts';

/**
 * Numbered schema migrations for PostgreSQL, their own list (SQLite's is sqlite/migrations.ts). Each
 * runs once, in order, in its own transaction that also records it in `schema_migrations`, under an
 * advisory lock so companions starting together against one database migrate it once. Never edit or
 * remove a released migration: add the next number (CONTRIBUTING.md).
 */
export interface PgMigration {
  version: number;
  description: string;
  up(tx: Tx): Promise<void>;
}

/** Every text column is `COLLATE "C"` (byte order): sorts and exports match SQLite's whatever the database's locale. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description:
      'the SQLite schema through version 6: annotations, history, reviews, dashboard index, sign-in codes, rate limits',
    async up(tx) {
      await tx.unsafe(`
        -- One counter hands out sequence numbers. A writer takes its row lock for the whole transaction,
        -- so writers commit in sequence order and a pull by checkpoint never misses a change
        -- (docs/postgres.md, "The sequence gap").
        CREATE TABLE sync_sequence (
          id boolean PRIMARY KEY DEFAULT true CHECK (id),
          last_seq bigint NOT NULL
        );
        INSERT INTO sync_sequence (id, last_seq) VALUES (true, 0);

        CREATE TABLE annotations (
          id text COLLATE "C" PRIMARY KEY,
          seq bigint NOT NULL UNIQUE,
          key text COLLATE "C" NOT NULL,
          site text COLLATE "C" NOT NULL,
          conversation_id text COLLATE "C" NOT NULL,
          annotator text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          updated_at_ms bigint NOT NULL,
          deleted_at text COLLATE "C",
          device_id text COLLATE "C" NOT NULL,
          hash text COLLATE "C" NOT NULL,
          received_at text COLLATE "C" NOT NULL,
          body text NOT NULL
        );
        CREATE INDEX annotations_key ON annotations (key, annotator);
        CREATE INDEX annotations_conversation ON annotations (site, conversation_id, seq);

        CREATE TABLE comparisons (
          id text COLLATE "C" PRIMARY KEY,
          seq bigint NOT NULL UNIQUE,
          a text COLLATE "C" NOT NULL,
          b text COLLATE "C" NOT NULL,
          annotator text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          updated_at_ms bigint NOT NULL,
          deleted_at text COLLATE "C",
          device_id text COLLATE "C" NOT NULL,
          hash text COLLATE "C" NOT NULL,
          received_at text COLLATE "C" NOT NULL,
          body text NOT NULL
        );

        CREATE TABLE history (
          kind text COLLATE "C" NOT NULL CHECK (kind IN ('annotation', 'comparison')),
          id text COLLATE "C" NOT NULL,
          hash text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          deleted_at text COLLATE "C",
          device_id text COLLATE "C" NOT NULL,
          received_at text COLLATE "C" NOT NULL,
          superseded_at text COLLATE "C" NOT NULL,
          body text NOT NULL,
          PRIMARY KEY (kind, id, hash)
        );

        CREATE TABLE devices (
          id text COLLATE "C" PRIMARY KEY,
          first_seen text COLLATE "C" NOT NULL,
          last_seen text COLLATE "C" NOT NULL
        );

        -- ix: the order reviews were created in (SQLite's rowid), the tie-break of every list.
        CREATE TABLE reviews (
          id text COLLATE "C" PRIMARY KEY,
          ix bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
          key text COLLATE "C" UNIQUE,
          request_hash text COLLATE "C" NOT NULL,
          request text NOT NULL,
          status text COLLATE "C" NOT NULL
            CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
          created_at text COLLATE "C" NOT NULL,
          expires_at text COLLATE "C",
          expires_at_ms bigint,
          resolved_at text COLLATE "C",
          reviewer text COLLATE "C",
          input text,
          comment text,
          annotation_id text COLLATE "C"
        );
        CREATE INDEX reviews_status ON reviews (status, created_at);
        CREATE INDEX reviews_expiry ON reviews (expires_at_ms) WHERE status = 'pending';

        -- The dashboard's search index, derived from annotations by sequence number (postgres-indexer.ts).
        CREATE TABLE dashboard_rows (
          ix bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          id text COLLATE "C" NOT NULL UNIQUE,
          site text COLLATE "C" NOT NULL,
          model text COLLATE "C",
          annotator text COLLATE "C" NOT NULL,
          thumb text COLLATE "C",
          score integer,
          created_ms bigint NOT NULL,
          deleted boolean NOT NULL,
          has_comment boolean NOT NULL,
          has_correction boolean NOT NULL
        );
        -- NULLS FIRST: SQLite's order (a missing value sorts lowest), so both stores page alike.
        CREATE INDEX dashboard_rows_created ON dashboard_rows (deleted, created_ms, ix);
        CREATE INDEX dashboard_rows_score ON dashboard_rows (deleted, score NULLS FIRST, ix);
        CREATE INDEX dashboard_rows_site ON dashboard_rows (deleted, site, ix);
        CREATE INDEX dashboard_rows_model ON dashboard_rows (deleted, model NULLS FIRST, ix);
        CREATE INDEX dashboard_rows_annotator ON dashboard_rows (deleted, annotator, ix);
        CREATE INDEX dashboard_rows_thumb ON dashboard_rows (deleted, thumb NULLS FIRST, ix);
        CREATE TABLE dashboard_excerpts (
          ix bigint PRIMARY KEY,
          created_at text NOT NULL,
          updated_at text NOT NULL,
          comment_excerpt text NOT NULL,
          response_excerpt text NOT NULL,
          tags text NOT NULL
        );
        CREATE TABLE dashboard_tags (
          tag text COLLATE "C" NOT NULL,
          ix bigint NOT NULL,
          PRIMARY KEY (tag, ix)
        );
        CREATE INDEX dashboard_tags_ix ON dashboard_tags (ix);
        -- The words of response, comment and correction, folded as SQLite's FTS5 folds them (search-terms.ts).
        CREATE TABLE dashboard_text (
          ix bigint PRIMARY KEY,
          terms tsvector NOT NULL
        );
        CREATE INDEX dashboard_text_terms ON dashboard_text USING gin (terms);
        CREATE TABLE dashboard_state (name text COLLATE "C" PRIMARY KEY, value bigint NOT NULL);
        INSERT INTO dashboard_state (name, value) VALUES ('indexed_seq', 0);

        -- Shared by every companion process on this database (sign-in-code-store.ts, rate-limit-store.ts).
        CREATE TABLE sign_in_codes (
          digest text COLLATE "C" PRIMARY KEY,
          ix bigint GENERATED ALWAYS AS IDENTITY,
          issued_at_ms bigint NOT NULL,
          expires_at_ms bigint NOT NULL
        );
        CREATE TABLE rate_limit_buckets (
          key text COLLATE "C" PRIMARY KEY,
          tokens double precision NOT NULL,
          at_ms double precision NOT NULL,
          allowed boolean NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description: 'items (responses waiting for judgement, from history imports) and import runs (SQLite v7)',
    async up(tx) {
      // As SQLite's v7 (see there for why the context is a list of hashes into item_texts).
      // item_texts.content holds the message's text as a JSON string: PostgreSQL text cannot hold U+0000.
      await tx.unsafe(`
        CREATE TABLE item_texts (
          hash text COLLATE "C" PRIMARY KEY,
          role text COLLATE "C" NOT NULL,
          content text NOT NULL
        );
        CREATE TABLE items (
          id text COLLATE "C" PRIMARY KEY,
          key text COLLATE "C" NOT NULL UNIQUE,
          source text COLLATE "C" NOT NULL,
          site text COLLATE "C" NOT NULL,
          conversation_id text COLLATE "C" NOT NULL,
          model text COLLATE "C",
          created_ms bigint NOT NULL,
          turns integer NOT NULL,
          has_code boolean NOT NULL,
          run_id text COLLATE "C",
          context text NOT NULL,
          body text NOT NULL
        );
        CREATE INDEX items_created ON items (created_ms DESC, id);
        CREATE INDEX items_site ON items (site, created_ms DESC);
        CREATE INDEX items_model ON items (model, created_ms DESC);
        CREATE TABLE item_skips (
          item_id text COLLATE "C" NOT NULL,
          annotator text COLLATE "C" NOT NULL,
          skipped_at text COLLATE "C" NOT NULL,
          PRIMARY KEY (item_id, annotator)
        );
        CREATE TABLE history_conversations (
          site text COLLATE "C" NOT NULL,
          conversation_id text COLLATE "C" NOT NULL,
          fingerprint text COLLATE "C" NOT NULL,
          run_id text COLLATE "C",
          imported_at text COLLATE "C" NOT NULL,
          PRIMARY KEY (site, conversation_id)
        );
        CREATE TABLE import_runs (
          id text COLLATE "C" PRIMARY KEY,
          source text COLLATE "C" NOT NULL,
          file text NOT NULL,
          status text COLLATE "C" NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
          dry_run boolean NOT NULL,
          started_at text COLLATE "C" NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          finished_at text COLLATE "C",
          summary text NOT NULL,
          error text
        );
        CREATE INDEX import_runs_started ON import_runs (started_at DESC);
      `);
    },
  },
  {
    version: 3,
    description: 'conversation ratings, and history accepting them (SQLite v8)',
    async up(tx) {
      await tx.unsafe(`
        CREATE TABLE conversation_ratings (
          id text COLLATE "C" PRIMARY KEY,
          seq bigint NOT NULL UNIQUE,
          key text COLLATE "C" NOT NULL,
          site text COLLATE "C" NOT NULL,
          conversation_id text COLLATE "C" NOT NULL,
          annotator text COLLATE "C" NOT NULL,
          revision bigint NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          updated_at_ms bigint NOT NULL,
          deleted_at text COLLATE "C",
          device_id text COLLATE "C" NOT NULL,
          hash text COLLATE "C" NOT NULL,
          received_at text COLLATE "C" NOT NULL,
          body text NOT NULL
        );
        CREATE INDEX conversation_ratings_key ON conversation_ratings (key, annotator);
        ALTER TABLE history DROP CONSTRAINT history_kind_check;
        ALTER TABLE history ADD CONSTRAINT history_kind_check
          CHECK (kind IN ('annotation', 'comparison', 'conversation-rating'));
      `);
    },
  },
  {
    version: 4,
    description:
      'accounts: users, their tokens (hashes only), the audit log; sign-in codes remember who asked (SQLite v9)',
    async up(tx) {
      // As SQLite's v9 (see there).
      await tx.unsafe(`
        CREATE TABLE users (
          name text COLLATE "C" PRIMARY KEY,
          role text COLLATE "C" NOT NULL CHECK (role IN ('admin', 'annotator', 'viewer')),
          kind text COLLATE "C" NOT NULL CHECK (kind IN ('human', 'model')),
          created_at text COLLATE "C" NOT NULL,
          revoked_at text COLLATE "C"
        );
        CREATE TABLE user_tokens (
          hash text COLLATE "C" PRIMARY KEY,
          user_name text COLLATE "C" NOT NULL REFERENCES users (name),
          purpose text COLLATE "C" NOT NULL CHECK (purpose IN ('personal', 'dashboard')),
          created_at text COLLATE "C" NOT NULL,
          expires_at text COLLATE "C"
        );
        CREATE INDEX user_tokens_user ON user_tokens (user_name);
        CREATE TABLE audit_log (
          id bigserial PRIMARY KEY,
          at text COLLATE "C" NOT NULL,
          actor text COLLATE "C" NOT NULL,
          action text COLLATE "C" NOT NULL,
          target text,
          details text NOT NULL
        );
        CREATE INDEX audit_log_actor ON audit_log (actor, id);
        CREATE INDEX audit_log_at ON audit_log (at, id);
        ALTER TABLE sign_in_codes ADD COLUMN user_name text COLLATE "C";
      `);
    },
  },
  {
    version: 5,
    description: 'campaign queues: queues, their items, leases, answers and skips, adjudications (SQLite v10)',
    async up(tx) {
      await tx.unsafe(PG_QUEUE_TABLES_SQL);
    },
  },
  {
    version: 6,
    description: 'dashboard: counts per facet value kept by the indexer (SQLite v11)',
    async up(tx) {
      await createDashboardCounts(tx);
    },
  },
];

export const PG_LATEST_VERSION = PG_MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

/** Any constant will do, as long as it is always the same: the lock that serialises migrations. */
const MIGRATION_LOCK = 7_261_847_151;

/** Brings the database up to the newest version in `migrations`; returns the versions it applied. */
export async function migratePostgres(sql: Sql, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  for (;;) {
    const done = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
      const [row] = await tx<{ current: number }[]>`SELECT coalesce(max(version), 0) AS current FROM schema_migrations`;
      const current = row?.current ?? 0;
      if (current > latest) {
        throw new Error(
          `the database is at schema version ${current}, newer than this Margin understands (${latest}); upgrade Margin`,
        );
      }
      const next = ordered.find((migration) => migration.version > current);
      if (next === undefined) return true;
      try {
        await next.up(tx);
      } catch (error) {
        throw new Error(`migration ${next.version} (${next.description}) failed: ${(error as Error).message}`);
      }
      await tx`INSERT INTO schema_migrations (version, description) VALUES (${next.version}, ${next.description})`;
      applied.push(next.version);
      return false;
    });
    if (done) return applied;
  }
}
