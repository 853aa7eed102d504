import type { CopyKind, Row } from './copy-kinds.ts';

/** One write of a batch: a row to insert or to update by its key, in the source's order. */
export interface RowWrite {
  op: 'insert' | 'update';
  row: Row;
}

/** What one batch writes to the target, in one transaction. */
export interface BatchPlan {
  /** Inserted unless their key is there already (counted: how many were new). */
  ignoring: Row[];
  writes: RowWrite[];
  /** Versions a fast-forward moves from the target's current table to its history. */
  history: Row[];
}

/**
 * One side of `margin copy`, reading and writing the tables of copy-kinds.ts directly (every version,
 * tombstone and decision as stored, which the stores' interfaces do not hand out). Reads are keyset
 * pages in a stable order, so memory stays one batch whatever the size of the store.
 */
export interface CopyEndpoint {
  readonly kind: 'sqlite' | 'postgres';
  /** For people: a path, or a URL without its password. */
  readonly location: string;
  /** Something equal for two connections to the same database (to refuse copying a store onto itself). */
  identity(): Promise<string>;
  /**
   * From here on, reads see the database as it is now, not writes that commit while the copy runs
   * (a REPEATABLE READ transaction on PostgreSQL, a read transaction on SQLite's WAL), so pages read
   * in key order make one consistent store. The returned function ends it.
   */
  snapshot(): Promise<() => Promise<void>>;
  /** How many rows the kind's table holds (the progress bar's total). */
  count(kind: CopyKind): Promise<number>;
  /** Up to `limit` rows after `after` (the last page's `last`), in the kind's order. */
  readPage(
    kind: CopyKind,
    after: unknown[] | undefined,
    limit: number,
  ): Promise<{ rows: Row[]; last: unknown[] | undefined }>;
  /** The rows whose `columns` equal one of `values` (a key, or a unique column). */
  find(kind: CopyKind, columns: readonly string[], values: readonly unknown[][]): Promise<Row[]>;
  /** Applies a batch in one transaction; `seq` of versioned writes is handed out here, in order. Returns rows `ignoring` added. */
  write(kind: CopyKind, plan: BatchPlan): Promise<number>;
  close(): Promise<void>;
}

/** The history row that keeps a current version a newer one replaces. */
export function historyRowOf(kind: CopyKind, current: Row, supersededAt: string): Row {
  return {
    kind: kind.historyKind,
    id: current.id,
    hash: current.hash,
    revision: current.revision,
    updated_at: current.updated_at,
    deleted_at: current.deleted_at,
    device_id: current.device_id,
    received_at: current.received_at,
    superseded_at: supersededAt,
    body: current.body,
  };
}
