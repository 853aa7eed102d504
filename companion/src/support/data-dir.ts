import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../storage/open-database.ts';
import { DATABASE_FILE } from '../storage/sqlite/sqlite-store.ts';
import type { Stores } from '../storage/stores.ts';

/** Creates the data directory user-only (it holds chat text and the token). */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** Opens (creating when needed) the SQLite database in `dataDir`, with every store on it. */
export function openStore(dataDir: string): Promise<Stores> {
  ensureDataDir(dataDir);
  return openDatabase({ kind: 'sqlite', path: databasePath(dataDir) });
}
