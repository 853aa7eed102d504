import type { Annotation } from '../../../shared/index.ts';

/** Device id recorded with the versions logged calls and feedback write. */
export const FEEDBACK_DEVICE_ID = 'companion-api';

/** What a read-modify-write decided: its answer, and the version to store (none: nothing changes). */
export interface FeedbackChange<T> {
  result: T;
  write?: { annotation: Annotation; receivedAt: string };
}

/**
 * What logged calls and their feedback need from the annotation store: all of a key's live
 * annotations, and one atomic read-modify-write of the live annotations of a key by some annotators
 * (the log and a feedback source), written through the normal conflict rule so sync and export see
 * it like any other change.
 */
export interface FeedbackStore {
  /** Every live annotation of `key`, in sequence order. */
  findAll(key: string): Promise<Annotation[]>;
  /**
   * Reads the live annotation of `key` by each of `annotators` (the newest, if several), hands them to
   * `change` and stores the version it returns, with no other writer in between. `change` runs
   * synchronously inside the transaction; whatever it throws rolls it back and is thrown here.
   */
  update<T>(
    key: string,
    annotators: readonly string[],
    change: (found: ReadonlyMap<string, Annotation>) => FeedbackChange<T>,
  ): Promise<T>;
}
