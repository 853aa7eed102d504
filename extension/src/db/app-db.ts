import { Dexie, type EntityTable, type Table } from 'dexie';
import type { Annotation, Comparison, ConversationRating } from '../../../shared/index.ts';
import { COUNTS_BUILT, type CountRow, rebuildCounts } from './counts.ts';
import { countsMiddleware } from './counts-middleware.ts';
import { DATABASE_NAME } from './database-name.ts';
import { NewerDatabaseError } from './open-errors.ts';
import { outboxMiddleware } from './outbox-middleware.ts';
import type { OutboxEntry, RecordKind, RecordOrder, SyncMetaRow } from './sync-tables.ts';
import { queueExistingAnnotations } from './upgrade-to-v2.ts';

export { DATABASE_NAME } from './database-name.ts';

/**
 * The extension's IndexedDB, opened only in the extension origin (background, popup, options).
 * Add a version by appending `this.version(N + 1).stores({...}).upgrade(...)`; never edit or remove an
 * older `version()` call (CONTRIBUTING.md, "Add a database version").
 */
export class AppDB extends Dexie {
  annotations!: EntityTable<Annotation, 'id'>;
  comparisons!: EntityTable<Comparison, 'id'>;
  /** A person's judgement of a whole conversation (db/conversation-ratings.ts), synced like comparisons. */
  conversationRatings!: EntityTable<ConversationRating, 'id'>;
  /** Sync (extension/src/sync/): versions waiting for push, export order, the engine's own state. */
  outbox!: Table<OutboxEntry, [RecordKind, string]>;
  recordOrder!: Table<RecordOrder, [RecordKind, string]>;
  syncMeta!: EntityTable<SyncMetaRow, 'key'>;
  /** The popup's counts (db/counts.ts), kept by `countsMiddleware` in the same transaction as each write. */
  counts!: EntityTable<CountRow, 'key'>;
  /** Called after a transaction that queued local changes for sync has committed (the background pushes soon). */
  readonly outboxListeners = new Set<() => void>();

  constructor(name = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    // v1: one row per annotation; `[key+annotator]` is unique (one annotation per response per person).
    // Large strings (response, context) are not indexed.
    this.version(1).stores({
      annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt',
    });
    // v2: sync. Every write of a record is queued in `outbox` by the middleware below; `recordOrder`
    // keeps the companion's export order; `comparisons` receives pulled comparisons (and local ones).
    this.version(2)
      .stores({
        comparisons: 'id, a, b, updatedAt',
        outbox: '[kind+id], [state+queuedAt]',
        recordOrder: '[kind+id], [kind+site+conversationId+seq]',
        syncMeta: 'key',
      })
      .upgrade(queueExistingAnnotations);
    // v3: annotation schema v2 (`reasoning`, `capture.*` completeness metadata); no index changes.
    // Its module (the annotation schemas, zod) loads only when this upgrade runs: every other open,
    // the popup's first paint among them, goes without it (issue 17). `waitFor` keeps the upgrade
    // transaction alive while the module loads.
    this.version(3)
      .stores({})
      .upgrade(async (tx) => {
        const { upgradeAnnotationsToV2 } = await Dexie.waitFor(import('./upgrade-to-v3.ts'));
        await upgradeAnnotationsToV2(tx);
      });
    // v4: conversation ratings; `[key+annotator]` is unique (one rating per conversation per person).
    this.version(4).stores({ conversationRatings: 'id, &[key+annotator], key, updatedAt' });
    // v5: `[deletedAt+site]` holds only tombstones (IndexedDB leaves out a row whose key has a null
    // part), so the popup counts live annotations from indexes without reading any row (issue 17).
    this.version(5).stores({
      annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt, [deletedAt+site]',
    });
    // v6: the popup's counts as rows, built once here from the indexes (issue 17).
    this.version(6)
      .stores({ counts: 'key' })
      .upgrade((tx) =>
        rebuildCounts({ annotations: tx.table('annotations'), outbox: tx.table('outbox'), counts: tx.table('counts') }),
      );
    // Dexie 4 opens a database a newer Margin has upgraded (it reads whatever tables it knows), and this
    // code would then write records of an older shape into it. Refuse instead, in words.
    // IndexedDB's version is Dexie's times ten; Dexie's own `verno` stays at the newest one declared here.
    const newest = this.verno;
    this.on(
      'ready',
      (db) => {
        const found = db.backendDB().version / 10;
        return found > newest ? Promise.reject(new NewerDatabaseError(found, newest)) : undefined;
      },
      true, // sticky: checked again whenever the connection reopens
    );
    // A new database is empty: its counts are all zero, so mark them built (the popup's live query,
    // which may not write, then never has to count the tables).
    this.on('populate', (tx) => {
      tx.table('counts').put({ key: COUNTS_BUILT, count: 1 });
    });
    // Registered first, so it sits below the outbox middleware and also counts the outbox rows that one writes.
    this.use(countsMiddleware());
    this.use(
      outboxMiddleware(() => {
        for (const listener of this.outboxListeners) listener();
      }),
    );
  }
}
