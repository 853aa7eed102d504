import { openSqliteStores } from './sqlite/sqlite-stores.ts';
import type { Stores } from './stores.ts';

/** Which database to open: a SQLite file, or (later) a PostgreSQL server. */
export type DatabaseTarget = { kind: 'sqlite'; path: string };

/** Opens the database `target` names, creating and migrating its schema when needed. */
export async function openDatabase(target: DatabaseTarget): Promise<Stores> {
  return openSqliteStores(target.path);
}
