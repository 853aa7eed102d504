import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type HistoryImportOptions,
  type HistoryImportResult,
  importHistory,
} from '../../../companion/src/import-history/run-import.ts';
import { SqliteItemStore } from '../../../companion/src/storage/sqlite/sqlite-item-store.ts';
import { openSqliteStore, type SqliteStore } from '../../../companion/src/storage/sqlite/sqlite-store.ts';
import type { Annotation, Comparison, Item } from '../../../shared/index.ts';
import { collect } from '../../support/collect.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

export const HISTORY_FIXTURES = fileURLToPath(new URL('../../fixtures/history/', import.meta.url));
export const historyFixture = (...parts: string[]) => join(HISTORY_FIXTURES, ...parts);

/** A fresh companion store with its item store, in a temporary directory. */
export interface HistoryStore {
  store: SqliteStore;
  items: SqliteItemStore;
  dir: string;
  /** Imports with a fixed clock, as the person `me` unless the options say otherwise. */
  import(options: Partial<HistoryImportOptions> & Pick<HistoryImportOptions, 'file'>): Promise<HistoryImportResult>;
  allItems(): Promise<Item[]>;
  allAnnotations(): Promise<Annotation[]>;
  allComparisons(): Promise<Comparison[]>;
  close(): Promise<void>;
}

export const IMPORT_CLOCK = () => new Date('2026-12-01T12:00:00.000Z');

export async function openHistoryStore(): Promise<HistoryStore> {
  const dir = await makeTempDir('history');
  const store = openSqliteStore(join(dir.path, 'margin.sqlite'));
  const items = new SqliteItemStore(store);
  return {
    store,
    items,
    dir: dir.path,
    import: (options) => importHistory({ store, items, clock: IMPORT_CLOCK }, { source: 'auto', ...options }),
    async allItems() {
      const ids = store.database.prepare<[], string>('SELECT id FROM items ORDER BY key').pluck().all();
      const found = await Promise.all(ids.map((id) => items.get(id)));
      return found.filter((item): item is Item => item !== undefined);
    },
    allAnnotations: async () =>
      (await collect(store.iterateAnnotations({ includeDeleted: true }))).sort((a, b) => a.key.localeCompare(b.key)),
    allComparisons: async () =>
      (await collect(store.iterateComparisons({ includeDeleted: true }))).sort((a, b) => a.id.localeCompare(b.id)),
    async close() {
      store.close();
      await dir.remove();
    },
  };
}
