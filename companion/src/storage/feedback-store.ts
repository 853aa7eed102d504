import type { Annotation } from '../../../shared/index.ts';
import type { SqliteStore } from './sqlite-store.ts';

/**
 * What logged calls and their feedback need from the annotation store: find the live annotation of a
 * key by one annotator (the feedback source), all of a key's live annotations, and write one version
 * through the normal conflict rule so sync and export see it like any other change.
 */
export interface FeedbackStore {
  find(key: string, annotator: string): Annotation | undefined;
  findAll(key: string): Annotation[];
  write(annotation: Annotation, receivedAt: string): void;
  /** Runs `fn` in one write transaction, so a read-modify-write cannot interleave with another writer. */
  transaction<T>(fn: () => T): T;
}

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

  find(key: string, annotator: string): Annotation | undefined {
    const body = this.#statements.find.get(key, annotator);
    return body === undefined ? undefined : (JSON.parse(body) as Annotation);
  }

  findAll(key: string): Annotation[] {
    return this.#statements.findAll.all(key).map((body) => JSON.parse(body) as Annotation);
  }

  write(annotation: Annotation, receivedAt: string): void {
    this.#store.applyChanges({ deviceId: 'companion-api', receivedAt, annotations: [annotation], comparisons: [] });
  }

  transaction<T>(fn: () => T): T {
    return this.#store.database.transaction(fn).immediate();
  }
}
