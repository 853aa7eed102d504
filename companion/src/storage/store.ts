import type { Annotation, Comparison } from '../../../shared/index.ts';

/**
 * What the companion needs from a database. SQLite (better-sqlite3) is the embedded default; a server
 * database can implement the same interface later. Reads are synchronous iterators so exports stream
 * row by row without holding the result set in memory.
 */
export interface Store {
  /** The current version of each stored annotation, in sequence order; tombstones only when asked. */
  iterateAnnotations(options?: { includeDeleted?: boolean }): IterableIterator<Annotation>;
  /** The current version of each stored comparison, in sequence order; tombstones only when asked. */
  iterateComparisons(options?: { includeDeleted?: boolean }): IterableIterator<Comparison>;
  close(): void;
}
