import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DatabaseTarget, databaseTarget, openDatabase } from '../storage/open-database.ts';
import { DATABASE_FILE } from '../storage/sqlite/sqlite-store.ts';
import type { Stores } from '../storage/stores.ts';

/** The help text of every command's `--database`. */
export const DATABASE_OPTION_HELP =
  'a postgres:// URL, or a SQLite file or data directory (env MARGIN_DATABASE_URL; default: margin.sqlite in the data directory)';

/** Creates the data directory user-only (it holds chat text and the token). */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** `--database`, else MARGIN_DATABASE_URL, else the SQLite file in `dataDir`. */
export function chosenDatabase(
  option: string | undefined,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseTarget {
  return databaseTarget(option ?? env.MARGIN_DATABASE_URL, dataDir);
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

/** Opens (creating when needed) the chosen database (see `chosenDatabase`), with every store on it. */
export function openStore(dataDir: string, database?: string): Promise<Stores> {
  const target = chosenDatabase(database, dataDir);
  if (target.kind === 'sqlite') {
    // A SQLite file's folder is created user-only, like the data directory (it holds chat text).
    mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
    restrictDatabaseFile(target.path);
  }
  return openDatabase(target);
}
