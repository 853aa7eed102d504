import type { Annotation } from '../../../../shared/index.ts';
import { FEEDBACK_DEVICE_ID, type FeedbackChange, type FeedbackStore } from '../feedback-store.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** Logged calls and feedback on the SQLite store: the read-modify-write is one IMMEDIATE transaction. */
export class SqliteFeedbackStore implements FeedbackStore {
  readonly #store: SqliteStore;
  readonly #statements;

  constructor(store: SqliteStore) {
    this.#store = store;
    const db = store.database;
    this.#statements = {
      // The (key, annotator) index answers both.
      find: db
        .prepare<[string, string], string>(
          'SELECT body FROM annotations WHERE key = ? AND annotator = ? AND deleted_at IS NULL ORDER BY seq DESC LIMIT 1',
        )
        .pluck(),
      findAll: db
        .prepare<[string], string>('SELECT body FROM annotations WHERE key = ? AND deleted_at IS NULL ORDER BY seq')
        .pluck(),
    };
  }

  async findAll(key: string): Promise<Annotation[]> {
    return this.#statements.findAll.all(key).map((body) => JSON.parse(body) as Annotation);
  }

  async update<T>(
    key: string,
    annotators: readonly string[],
    change: (found: ReadonlyMap<string, Annotation>) => FeedbackChange<T>,
  ): Promise<T> {
    return this.#store.database
      .transaction(() => {
        const found = new Map<string, Annotation>();
        for (const annotator of annotators) {
          const body = this.#statements.find.get(key, annotator);
          if (body !== undefined) found.set(annotator, JSON.parse(body) as Annotation);
        }
        const { result, write } = change(found);
        if (write) {
          this.#store.applyChangesNow({
            deviceId: FEEDBACK_DEVICE_ID,
            receivedAt: write.receivedAt,
            annotations: [write.annotation],
            comparisons: [],
          });
        }
        return result;
      })
      .immediate();
  }
}
