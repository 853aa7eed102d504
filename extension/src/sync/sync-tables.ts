import { z } from 'zod';
import type { Annotation, ApiIssue, Comparison } from '../../../shared/index.ts';

/**
 * The rows sync keeps in the extension's IndexedDB (tables added by `AppDB` version 2). Nothing the
 * sync engine needs lives only in memory: the service worker may be stopped between any two awaits.
 */

/** The kinds of record that sync carries; each has a Dexie table of the same plural name. */
export type RecordKind = 'annotation' | 'comparison';
export type SyncedRecord = Annotation | Comparison;
export const SYNCED_TABLES: Record<string, RecordKind> = { annotations: 'annotation', comparisons: 'comparison' };

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
  /** Annotations only; empty for comparisons. */
  site: string;
  conversationId: string;
  seq: number;
}

/** Key/value rows for the sync engine's own state; each value is parsed with its schema when read. */
export interface SyncMetaRow {
  key: SyncMetaKey;
  value: unknown;
}

/** How the companion is reached. Written by the options page (through the background). */
export const companionSettingsSchema = z.strictObject({
  /** e.g. http://127.0.0.1:8787, no path. */
  url: z.string(),
  /** The pairing token (`margin token`). Kept here, in the extension origin, never in storage.local. */
  token: z.string(),
  /** How often to sync when all is well, and the first retry delay when the companion is down. */
  intervalSeconds: z.int().min(1).max(86_400),
});
export type CompanionSettings = z.infer<typeof companionSettingsSchema>;

export const DEFAULT_SYNC_INTERVAL_SECONDS = 60;

/** Why the last sync run did not finish, or null when it did. */
export const syncFailureSchema = z.strictObject({
  kind: z.enum([
    'not-paired',
    'unreachable',
    'unauthorized',
    'incompatible',
    'rate-limited',
    'server-error',
    'invalid-response',
    'not-margin',
    'refused',
    'local-error',
  ]),
  message: z.string(),
  /** When this kind of failure started (kept across retries that fail the same way). */
  since: z.int(),
});
export type SyncFailure = z.infer<typeof syncFailureSchema>;

/** The persisted schedule and outcome; the popup reads it, the engine writes it after every run. */
export const syncStateSchema = z.strictObject({
  /** Last run that pushed and pulled everything, ms since the epoch. */
  lastSuccessAt: z.int().nullable(),
  failure: syncFailureSchema.nullable(),
  /** Consecutive failed runs: the exponent of the backoff. */
  attempt: z.int().min(0),
  /** When the alarm should fire next (ms since the epoch); null when nothing is scheduled. */
  nextAttemptAt: z.int().nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const INITIAL_SYNC_STATE: SyncState = { lastSuccessAt: null, failure: null, attempt: 0, nextAttemptAt: null };

export const syncMetaSchemas = {
  /** Names this browser profile to the companion (the last tie-break of the conflict rule). */
  deviceId: z.string(),
  /** The highest companion sequence number applied locally (pull `since`). */
  checkpoint: z.int().min(0),
  /** The last value of the local order counter (RecordOrder.seq). */
  orderCounter: z.int().min(0),
  companion: companionSettingsSchema,
  state: syncStateSchema,
} as const;
export type SyncMetaKey = keyof typeof syncMetaSchemas;
export type SyncMetaValue<K extends SyncMetaKey> = z.infer<(typeof syncMetaSchemas)[K]>;

export function recordKind(record: SyncedRecord): RecordKind {
  return 'key' in record ? 'annotation' : 'comparison';
}

export function orderOf(kind: RecordKind, record: SyncedRecord, seq: number): RecordOrder {
  return kind === 'annotation'
    ? {
        kind,
        id: record.id,
        site: (record as Annotation).site,
        conversationId: (record as Annotation).conversationId,
        seq,
      }
    : { kind, id: record.id, site: '', conversationId: '', seq };
}
