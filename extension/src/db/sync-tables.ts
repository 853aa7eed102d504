import type { Annotation, ApiIssue, Comparison, ConversationRating } from '../../../shared/index.ts';

/**
 * The rows sync keeps in the extension's IndexedDB (tables added by `AppDB` version 2). Nothing the
 * sync engine needs lives only in memory: the service worker may be stopped between any two awaits.
 * Only the shapes live here, beside the database; what sync does with them is in `sync/`.
 */

/** The kinds of record that sync carries; each has a Dexie table of the same plural name. */
export type RecordKind = 'annotation' | 'comparison' | 'conversation-rating';
export type SyncedRecord = Annotation | Comparison | ConversationRating;
export const SYNCED_TABLES: Record<string, RecordKind> = {
  annotations: 'annotation',
  comparisons: 'comparison',
  conversationRatings: 'conversation-rating',
};

/**
 * One record version waiting to be pushed. Keyed by `[kind+id]`: a newer local edit replaces the
 * entry, so a record is pushed once in its latest version. `record` is a snapshot of the exact
 * version to send; it usually equals the row in the record's table, except when a pulled version won
 * the conflict rule over a local edit not yet pushed: the losing edit is still pushed once, so the
 * companion keeps it in its history instead of it vanishing without a trace.
 */
export interface OutboxEntry {
  kind: RecordKind;
  id: string;
  record: SyncedRecord;
  /** `pending` is pushed; `rejected` was refused by the companion as invalid and waits for a new edit. */
  state: 'pending' | 'rejected';
  /** Why the companion rejected it (paths relative to the record). */
  issues?: ApiIssue[];
  /** Milliseconds since the epoch when this version was queued: the push order, oldest first. */
  queuedAt: number;
}

/**
 * The position of a record in the order the companion's export reads a conversation (its sequence
 * numbers). `seq` comes from a local counter that moves whenever the companion would hand out a
 * sequence number: a local edit, an accepted push, a pulled change. So a download from the popup
 * lists a conversation's annotations in the same order as `GET /api/v1/export`.
 */
export interface RecordOrder {
  kind: RecordKind;
  id: string;
  /** Annotations and conversation ratings; empty for comparisons. */
  site: string;
  conversationId: string;
  seq: number;
}

/**
 * Key/value rows for the sync engine's own state. The keys and the schema of each value belong to sync
 * (`sync/sync-state.ts`), which parses a value whenever it reads one (`sync/sync-meta.ts`).
 */
export interface SyncMetaRow {
  key: string;
  value: unknown;
}

export function recordKind(record: SyncedRecord): RecordKind {
  if ('messageId' in record) return 'annotation';
  return 'rating' in record ? 'conversation-rating' : 'comparison';
}

export function orderOf(kind: RecordKind, record: SyncedRecord, seq: number): RecordOrder {
  return 'conversationId' in record
    ? { kind, id: record.id, site: record.site, conversationId: record.conversationId, seq }
    : { kind, id: record.id, site: '', conversationId: '', seq };
}
