/** PostgreSQL migration 5: SQLite's migration 10 (sqlite/queue-tables.ts says what each table is for). */
export const PG_QUEUE_TABLES_SQL = `
  CREATE TABLE queues (
    id text COLLATE "C" PRIMARY KEY,
    created_at text COLLATE "C" NOT NULL,
    body text NOT NULL
  );
  CREATE TABLE queue_items (
    queue_id text COLLATE "C" NOT NULL REFERENCES queues (id),
    id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    position integer NOT NULL,
    rank text COLLATE "C" NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (queue_id, id)
  );
  CREATE UNIQUE INDEX queue_items_position ON queue_items (queue_id, position);
  CREATE INDEX queue_items_rank ON queue_items (queue_id, rank, position);
  CREATE TABLE queue_leases (
    queue_id text COLLATE "C" NOT NULL,
    item_id text COLLATE "C" NOT NULL,
    annotator text COLLATE "C" NOT NULL,
    leased_at text COLLATE "C" NOT NULL,
    expires_ms bigint NOT NULL,
    PRIMARY KEY (queue_id, item_id, annotator)
  );
  CREATE INDEX queue_leases_annotator ON queue_leases (queue_id, annotator);
  CREATE TABLE queue_answers (
    queue_id text COLLATE "C" NOT NULL,
    item_id text COLLATE "C" NOT NULL,
    annotator text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL CHECK (status IN ('done', 'skipped')),
    answered_at text COLLATE "C" NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (queue_id, item_id, annotator)
  );
  CREATE INDEX queue_answers_annotator ON queue_answers (queue_id, annotator);
  CREATE TABLE queue_adjudications (
    queue_id text COLLATE "C" NOT NULL,
    item_id text COLLATE "C" NOT NULL,
    adjudicator text COLLATE "C" NOT NULL,
    decided_at text COLLATE "C" NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (queue_id, item_id)
  );
`;
