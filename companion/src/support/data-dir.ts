import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
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

/**
 * The database holds every captured chat: user-only (0600), like the token, whatever the umask. It is
 * created empty with that mode before SQLite opens it (SQLite gives its -wal and -shm files the mode
 * of the database), and an older, looser file is tightened.
 */
export function restrictDatabaseFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch {
      // no such file (yet)
    }
  }
}

/** Opens (creating when needed) the SQLite database in `dataDir`, with every store on it. */
export function openStore(dataDir: string): Promise<Stores> {
  ensureDataDir(dataDir);
  restrictDatabaseFile(databasePath(dataDir));
  return openDatabase({ kind: 'sqlite', path: databasePath(dataDir) });
}
