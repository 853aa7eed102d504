import type { Annotation } from '../../../../shared/index.ts';
import { FEEDBACK_DEVICE_ID, type FeedbackChange, type FeedbackStore } from '../feedback-store.ts';
import { pgText, type Sql } from './connect.ts';
import type { PostgresStore } from './postgres-store.ts';

/**
 * Logged calls and feedback on PostgreSQL. The read-modify-write first takes the sequence counter's
 * lock, as every writer does, so nothing changes the key's annotations between the read and the write.
 */
export class PostgresFeedbackStore implements FeedbackStore {
  readonly #store: PostgresStore;
  readonly #sql: Sql;

  constructor(store: PostgresStore) {
    this.#store = store;
    this.#sql = store.sql;
  }

  async findAll(key: string): Promise<Annotation[]> {
    const rows = await this.#sql<{ body: string }[]>`
      SELECT body FROM annotations WHERE key = ${pgText(key)} AND deleted_at IS NULL ORDER BY seq`;
    return rows.map((row) => JSON.parse(row.body) as Annotation);
  }

  update<T>(
    key: string,
    annotators: readonly string[],
    change: (found: ReadonlyMap<string, Annotation>) => FeedbackChange<T>,
  ): Promise<T> {
    return this.#sql.begin(async (tx) => {
      await tx`SELECT last_seq FROM sync_sequence FOR UPDATE`;
      // The newest live annotation of the key by each annotator.
      const rows = await tx<{ annotator: string; body: string }[]>`
        SELECT DISTINCT ON (annotator) annotator, body FROM annotations
        WHERE key = ${pgText(key)} AND annotator = ANY(${annotators.map(pgText)}::text[]) AND deleted_at IS NULL
        ORDER BY annotator, seq DESC`;
      const found = new Map<string, Annotation>();
      for (const annotator of annotators) {
        const row = rows.find((candidate) => candidate.annotator === pgText(annotator));
        if (row) found.set(annotator, JSON.parse(row.body) as Annotation);
      }
      const { result, write } = change(found);
      if (write) {
        await this.#store.applyChangesIn(tx, {
          deviceId: FEEDBACK_DEVICE_ID,
          receivedAt: write.receivedAt,
          annotations: [write.annotation],
          comparisons: [],
        });
      }
      return result;
    }) as Promise<T>;
  }
}
