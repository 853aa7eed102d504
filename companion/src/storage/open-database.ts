import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isPostgresUrl } from './postgres/connect.ts';
import { openPostgresStores } from './postgres/postgres-stores.ts';
import { DATABASE_FILE } from './sqlite/sqlite-store.ts';
import { openSqliteStores } from './sqlite/sqlite-stores.ts';
import type { Stores } from './stores.ts';

/** Which database to open: a SQLite file, or a PostgreSQL server. */
export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** File names that say "a SQLite file" rather than "a data directory". */
const SQLITE_EXTENSIONS = new Set(['.sqlite', '.sqlite3', '.db']);

/**
 * What `--database` (or MARGIN_DATABASE_URL) names: a `postgres://` URL, a SQLite file, or a data
 * directory holding margin.sqlite. Without either, the SQLite file in `dataDir`, as always.
 */
export function databaseTarget(value: string | undefined, dataDir: string): DatabaseTarget {
  const chosen = value?.trim() || undefined;
  if (chosen === undefined) return { kind: 'sqlite', path: join(dataDir, DATABASE_FILE) };
  if (isPostgresUrl(chosen)) return { kind: 'postgres', url: chosen };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen)) {
    throw new Error(
      `unsupported database URL "${chosen.split('://')[0]}://…": give a postgres:// URL or a SQLite path`,
    );
  }
  const isDirectory = existsSync(chosen) ? statSync(chosen).isDirectory() : !SQLITE_EXTENSIONS.has(extname(chosen));
  return { kind: 'sqlite', path: isDirectory ? join(chosen, DATABASE_FILE) : chosen };
}

/** Opens the database `target` names, creating and migrating its schema when needed. */
export async function openDatabase(target: DatabaseTarget): Promise<Stores> {
  return target.kind === 'postgres' ? openPostgresStores(target.url) : openSqliteStores(target.path);
}
