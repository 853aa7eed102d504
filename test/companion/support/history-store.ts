import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type HistoryImportOptions,
  type HistoryImportResult,
  importHistory,
} from '../../../companion/src/import-history/run-import.ts';
import type { ItemStore } from '../../../companion/src/storage/item-store.ts';
import type { SyncStore } from '../../../companion/src/storage/store.ts';
import type { Annotation, Comparison, Item } from '../../../shared/index.ts';
import { collect } from '../../support/collect.ts';
import { openTestStores, type TestStoreKind } from '../../support/stores.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

export const HISTORY_FIXTURES = fileURLToPath(new URL('../../fixtures/history/', import.meta.url));
export const historyFixture = (...parts: string[]) => join(HISTORY_FIXTURES, ...parts);

/** A fresh companion database (SQLite or PostgreSQL) with its item store, and a scratch directory. */
export interface HistoryStore {
  kind: TestStoreKind;
  store: SyncStore;
  items: ItemStore;
  /** A temporary directory for files a test writes (a changed export). */
  dir: string;
  /** One SQL statement straight on the database: SQL both stores read alike, `?`/`$1` placeholders per kind. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Imports with a fixed clock, as the person `me` unless the options say otherwise. */
  import(options: Partial<HistoryImportOptions> & Pick<HistoryImportOptions, 'file'>): Promise<HistoryImportResult>;
  allItems(): Promise<Item[]>;
  allAnnotations(): Promise<Annotation[]>;
  allComparisons(): Promise<Comparison[]>;
  close(): Promise<void>;
}

export const IMPORT_CLOCK = () => new Date('2026-12-01T12:00:00.000Z');

export async function openHistoryStore(kind: TestStoreKind = 'sqlite'): Promise<HistoryStore> {
  const dir = await makeTempDir('history');
  const opened = await openTestStores(kind, 'history');
  const { sync: store, items } = opened.stores;
  const query = opened.database.query;
  return {
    kind,
    store,
    items,
    dir: dir.path,
    query,
    import: (options) => importHistory({ store, items, clock: IMPORT_CLOCK }, { source: 'auto', ...options }),
    async allItems() {
      const rows = await query<{ id: string }>('SELECT id FROM items ORDER BY key');
      const found = await Promise.all(rows.map((row) => items.get(row.id)));
      return found.filter((item): item is Item => item !== undefined);
    },
    allAnnotations: async () =>
      (await collect(store.iterateAnnotations({ includeDeleted: true }))).sort((a, b) => a.key.localeCompare(b.key)),
    allComparisons: async () =>
      (await collect(store.iterateComparisons({ includeDeleted: true }))).sort((a, b) => a.id.localeCompare(b.id)),
    async close() {
      await opened.remove();
      await dir.remove();
    },
  };
}
