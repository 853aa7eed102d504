import type { Annotation, Comparison, StatsResponse } from '../../../shared/index.ts';

/**
 * What the companion needs from a database. SQLite (better-sqlite3) is the embedded default; a server
 * database can implement the same interface later. Reads are synchronous iterators so exports stream
 * row by row without holding the result set in memory.
 */
export interface AnnotationIterationOptions {
  includeDeleted?: boolean;
  /** `sequence` (default): as synced. `conversation`: each conversation's annotations together (by site, conversation id). */
  order?: 'sequence' | 'conversation';
}

export interface Store {
  /** The current version of each stored annotation, in sequence order; tombstones only when asked. */
  iterateAnnotations(options?: AnnotationIterationOptions): IterableIterator<Annotation>;
  /** The current version of each stored comparison, in sequence order; tombstones only when asked. */
  iterateComparisons(options?: { includeDeleted?: boolean }): IterableIterator<Comparison>;
  close(): void;
}

/** What happened to one valid record of a push (see `pushStatusSchema` in shared/sync.ts). */
export type WriteResult<T> =
  | { status: 'accepted' | 'unchanged'; seq: number }
  | { status: 'superseded'; seq: number; current: T };

/** Records already validated against their schema, from one device. */
export interface ChangeSet {
  deviceId: string;
  /** When the companion received them (ISO time), recorded with each version. */
  receivedAt: string;
  annotations: readonly Annotation[];
  comparisons: readonly Comparison[];
}

export interface AppliedChangeSet {
  annotations: WriteResult<Annotation>[];
  comparisons: WriteResult<Comparison>[];
  checkpoint: number;
}

export interface ChangePage {
  annotations: Annotation[];
  comparisons: Comparison[];
  checkpoint: number;
  hasMore: boolean;
}

/** The store sync needs: atomic, idempotent application of a change set, and a changes feed. */
export interface SyncStore extends Store {
  /** Applies every record under the conflict rule in one transaction: all of it is durable, or none. */
  applyChanges(changes: ChangeSet): AppliedChangeSet;
  /** Current versions (tombstones included) with a sequence number above `since`, in order. */
  changesSince(since: number, limit: number): ChangePage;
  /** The highest sequence number handed out so far (0 for an empty store). */
  checkpoint(): number;
  stats(): StatsResponse;
}
