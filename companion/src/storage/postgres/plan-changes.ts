import type { Annotation, Comparison, ConversationRating } from '../../../../shared/index.ts';
import { compareVersions, type VersionKey } from '../../sync/conflict-rule.ts';
import type { WriteResult } from '../store.ts';
import { versionHashOf } from '../version-hash.ts';

export type Kind = 'annotation' | 'comparison' | 'conversation-rating';
export type SyncedRecord = Annotation | Comparison | ConversationRating;

/** One version of a record with the columns stored beside its body (the row of `annotations`, `comparisons` or `history`). */
export interface StoredVersion {
  kind: Kind;
  id: string;
  seq: number;
  revision: number;
  updatedAt: string;
  updatedAtMs: number;
  deletedAt: string | null;
  annotator: string;
  deviceId: string;
  hash: string;
  receivedAt: string;
  /** Undefined for a row already stored whose body was not read (it is read only when needed). */
  body: string | undefined;
  /** `key`, `site`, `conversation_id` for an annotation or conversation rating; `a`, `b` for a comparison. */
  extra: Record<string, string>;
}

/** A validated record on its way in, with the device and time it came from. */
export interface IncomingRecord {
  kind: Kind;
  record: SyncedRecord;
  deviceId: string;
  receivedAt: string;
}

export interface HistoryEntry {
  version: StoredVersion;
  supersededAt: string;
}

/** What applying a list of records does, decided in memory before anything is written. */
export interface ChangePlan {
  results: Array<{
    kind: Kind;
    result: WriteResult<SyncedRecord> | { status: 'superseded'; seq: number; of: StoredVersion };
  }>;
  /** The final version of every record that changed, by kind and id: one upsert each. */
  writes: Map<string, StoredVersion>;
  /** Versions replaced or refused, in the order it happened (the first of equal ones is kept). */
  history: HistoryEntry[];
  lastSeq: number;
}

export function stateKey(kind: Kind, id: string): string {
  return `${kind}\u0000${id}`;
}

function extraColumns(record: SyncedRecord): Record<string, string> {
  return 'key' in record
    ? { key: record.key, site: record.site, conversation_id: record.conversationId }
    : { a: record.a, b: record.b };
}

/** The stored form of an incoming record: its body (the JSON the SQLite store writes too) and hash. */
export function toVersion(incoming: IncomingRecord, seq: number): StoredVersion {
  const { record } = incoming;
  const body = JSON.stringify(record);
  return {
    kind: incoming.kind,
    id: record.id,
    seq,
    revision: record.revision,
    updatedAt: record.updatedAt,
    updatedAtMs: Date.parse(record.updatedAt),
    deletedAt: record.deletedAt,
    annotator: record.annotator,
    deviceId: incoming.deviceId,
    // From the record itself: hashing `body` would parse the JSON just written back into the same value.
    hash: versionHashOf(record),
    receivedAt: incoming.receivedAt,
    body,
    extra: extraColumns(record),
  };
}

function versionKey(version: StoredVersion): VersionKey {
  return {
    deleted: version.deletedAt !== null,
    revision: version.revision,
    updatedAtMs: version.updatedAtMs,
    annotator: version.annotator,
    deviceId: version.deviceId,
    hash: version.hash,
  };
}

/**
 * Applies `incoming` in order to `current` (the stored versions of the same ids) under the conflict
 * rule, exactly as the SQLite store does record by record: a new id is accepted with the next
 * sequence number, the same hash is unchanged, a winner replaces the current version (which goes to
 * history), a loser goes to history. `current` is updated as it goes, so an id twice in one batch
 * meets its own earlier version.
 */
export function planChanges(
  incoming: readonly StoredVersion[],
  current: Map<string, StoredVersion>,
  lastSeq: number,
): ChangePlan {
  const plan: ChangePlan = { results: [], writes: new Map(), history: [], lastSeq };
  for (const version of incoming) {
    const key = stateKey(version.kind, version.id);
    const stored = current.get(key);
    if (stored?.hash === version.hash) {
      plan.results.push({ kind: version.kind, result: { status: 'unchanged', seq: stored.seq } });
    } else if (stored === undefined || compareVersions(versionKey(version), versionKey(stored)) > 0) {
      if (stored !== undefined) plan.history.push({ version: stored, supersededAt: version.receivedAt });
      plan.lastSeq += 1;
      const accepted = { ...version, seq: plan.lastSeq };
      current.set(key, accepted);
      plan.writes.set(key, accepted);
      plan.results.push({ kind: version.kind, result: { status: 'accepted', seq: plan.lastSeq } });
    } else {
      plan.history.push({ version, supersededAt: version.receivedAt });
      plan.results.push({ kind: version.kind, result: { status: 'superseded', seq: stored.seq, of: stored } });
    }
  }
  return plan;
}
