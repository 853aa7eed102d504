/**
 * Migration 10's tables: campaign queues (companion/src/storage/queue-store.ts). A queue, an item, an
 * answer and an adjudication are JSON bodies beside the columns serving needs. An answer and a skip
 * share a table: one row per annotator and item, so nobody gets an item twice. A lease is a row until
 * the item is answered or skipped; `expires_ms` decides whether it still holds a slot.
 */
export const QUEUE_TABLES_SQL = `
  CREATE TABLE queues (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
  ) STRICT;
  CREATE TABLE queue_items (
    queue_id TEXT NOT NULL REFERENCES queues (id),
    id TEXT NOT NULL,
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    rank TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (queue_id, id)
  ) STRICT;
  CREATE UNIQUE INDEX queue_items_position ON queue_items (queue_id, position);
  CREATE INDEX queue_items_rank ON queue_items (queue_id, rank, position);
  CREATE TABLE queue_leases (
    queue_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    annotator TEXT NOT NULL,
    leased_at TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (queue_id, item_id, annotator)
  ) STRICT;
  CREATE INDEX queue_leases_annotator ON queue_leases (queue_id, annotator);
  CREATE TABLE queue_answers (
    queue_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    annotator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'skipped')),
    answered_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (queue_id, item_id, annotator)
  ) STRICT;
  CREATE INDEX queue_answers_annotator ON queue_answers (queue_id, annotator);
  CREATE TABLE queue_adjudications (
    queue_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    adjudicator TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (queue_id, item_id)
  ) STRICT;
`;
