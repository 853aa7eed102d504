import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE, openSqliteStore, type SqliteStore } from '../storage/sqlite-store.ts';

/** Creates the data directory user-only (it holds chat text and the token). */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export function openStore(dataDir: string): SqliteStore {
  ensureDataDir(dataDir);
  return openSqliteStore(databasePath(dataDir));
}
