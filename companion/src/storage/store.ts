import type { Annotation, Comparison, ConversationRating, StatsResponse } from '../../../shared/index.ts';

/**
 * What the companion needs from a database. SQLite (better-sqlite3, storage/sqlite/) is the embedded
 * default; PostgreSQL (storage/postgres/) serves a team. Every method answers a Promise, and reads are
 * async iterators that stream row by row (a cursor), so an export never holds the result set in memory.
 */
/** The tables whose rows belong to an annotator (checked before a team member's push overwrites one). */
export type OwnedTable = 'annotations' | 'comparisons' | 'conversation_ratings';
/** Each owned table's SQL name, spelled out so a table name never comes from input. */
export const OWNED_TABLES: Readonly<Record<OwnedTable, string>> = {
  annotations: 'annotations',
  comparisons: 'comparisons',
  conversation_ratings: 'conversation_ratings',
};

export interface AnnotationIterationOptions {
  includeDeleted?: boolean;
  /** `sequence` (default): as synced. `conversation`: each conversation's annotations together (by site, conversation id). */
  order?: 'sequence' | 'conversation';
}

export interface Store {
  /**
   * The current version of each stored annotation, in sequence order; tombstones only when asked. It
   * reads one consistent snapshot; leaving the loop early (`break`) releases what it holds.
   */
  iterateAnnotations(options?: AnnotationIterationOptions): AsyncIterableIterator<Annotation>;
  /**
   * The same annotations a page (a few hundred) at a time: an export of a million reads them without
   * an await per row, which cost a fifth of its time in promises and their garbage.
   */
  iterateAnnotationPages(options?: AnnotationIterationOptions): AsyncIterableIterator<Annotation[]>;
  /** The current version of each stored comparison, in sequence order; tombstones only when asked. */
  iterateComparisons(options?: { includeDeleted?: boolean }): AsyncIterableIterator<Comparison>;
  /** The current version of each stored conversation rating, in sequence order; tombstones only when asked. */
  iterateConversationRatings(options?: { includeDeleted?: boolean }): AsyncIterableIterator<ConversationRating>;
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
  conversationRatings?: readonly ConversationRating[];
}

export interface AppliedChangeSet {
  annotations: WriteResult<Annotation>[];
  comparisons: WriteResult<Comparison>[];
  conversationRatings: WriteResult<ConversationRating>[];
  checkpoint: number;
}

/** How many records of an import landed as what (`applyAllChanges`). */
export interface ImportCounts {
  accepted: number;
  unchanged: number;
  superseded: number;
}

/** Adds a change set's results to `counts`. */
export function countResults(counts: ImportCounts, applied: AppliedChangeSet): ImportCounts {
  for (const result of [...applied.annotations, ...applied.comparisons, ...applied.conversationRatings])
    counts[result.status] += 1;
  return counts;
}

export interface ChangePage {
  annotations: Annotation[];
  comparisons: Comparison[];
  conversationRatings: ConversationRating[];
  checkpoint: number;
  hasMore: boolean;
}

/** How `applyChanges` commits. */
export interface ApplyOptions {
  /**
   * `false`: the transaction commits (it is visible, and survives a kill of the process, as the
   * operating system holds what was written) without waiting for the disk. Only for a part of a
   * larger write whose LAST part is flushed (the default) before anything is acknowledged: that
   * flush makes every earlier part durable too (one fsync of SQLite's WAL file covers every frame in
   * it). A store that commits each call in one transaction of its own anyway may flush every time.
   */
  flush?: boolean;
}

/** The store sync needs: atomic, idempotent application of a change set, and a changes feed. */
export interface SyncStore extends Store {
  /** Applies every record under the conflict rule in one transaction: all of it is durable, or none. */
  applyChanges(changes: ChangeSet, options?: ApplyOptions): Promise<AppliedChangeSet>;
  /**
   * Applies every change set `batches` yields in ONE transaction, so an import or a restore lands whole
   * or not at all (a throw from `batches`, a kill or a full disk leaves the store as it was). `batches`
   * is synchronous (a staged file read a piece at a time): SQLite's transaction never spans an await,
   * and memory holds one batch, whatever the size of the file.
   */
  applyAllChanges(batches: Iterable<ChangeSet>): Promise<ImportCounts>;
  /**
   * Current versions (tombstones included) with a sequence number above `since`, in order. A change
   * committed later never gets a number below one already visible, so a pull by checkpoint misses
   * nothing (docs/postgres.md, "The sequence gap").
   */
  changesSince(since: number, limit: number): Promise<ChangePage>;
  /** The highest sequence number handed out so far (0 for an empty store). */
  checkpoint(): Promise<number>;
  /**
   * The stored annotator of each of `ids` that exists in `table` (tombstones included): whose record a
   * push would overwrite, so a team server refuses one user's push over another's (docs/accounts.md).
   */
  annotatorsOf(table: OwnedTable, ids: readonly string[]): Promise<Map<string, string>>;
  stats(): Promise<StatsResponse>;
  /** The live ratings of the conversation `key` ("<site>:<conversationId>"), every annotator's, the latest change first. */
  conversationRatingsOf(key: string): Promise<ConversationRating[]>;
}
