import Database from 'better-sqlite3';
import postgres from 'postgres';
import { type DatabaseTarget, openDatabase } from '../../companion/src/storage/open-database.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { createTestDatabase } from './postgres.ts';
import { makeTempDir } from './temp-dir.ts';

/** Both stores: `describe.each(STORE_KINDS)('… (%s)', (kind) => …)` runs a suite against each. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type TestStoreKind = (typeof STORE_KINDS)[number];

/** An empty database of one kind, for one test or one file. */
export interface TestDatabase {
  kind: TestStoreKind;
  target: DatabaseTarget;
  /** What `--database` takes to open it (a file path or a postgres:// URL). */
  option: string;
  open(): Promise<Stores>;
  /** The rows of `table`, counted straight from the database. */
  count(table: string): Promise<number>;
  /** One SQL statement's rows, straight from the database (placeholders: `?` for SQLite, `$1` for PostgreSQL). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  remove(): Promise<void>;
}

export async function createDatabase(kind: TestStoreKind, prefix = 'store'): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await makeTempDir(prefix);
    return sqliteDatabaseAt(`${dir.path}/margin.sqlite`, dir.remove);
  }
  return createPostgresDatabase(prefix);
}

/** The SQLite file at `path` (created on first open); `remove` deletes what the caller wants gone. */
export function sqliteDatabaseAt(path: string, remove: () => Promise<void> = async () => {}): TestDatabase {
  const kind = 'sqlite' as const;
  const query = async <T>(sql: string, params: unknown[] = []) => {
    const db = new Database(path);
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  return {
    kind,
    target: { kind: 'sqlite', path },
    option: path,
    open: () => openDatabase({ kind: 'sqlite', path }),
    query,
    count: async (table) => (await query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0,
    remove,
  };
}

async function createPostgresDatabase(prefix: string): Promise<TestDatabase> {
  const kind = 'postgres' as const;
  const database = await createTestDatabase(prefix);
  const query = async <T>(sql: string, params: unknown[] = []) => {
    const connection = postgres(database.url, { max: 1, onnotice: false });
    try {
      return [...(await connection.unsafe(sql, params as never[]))] as T[];
    } finally {
      await connection.end();
    }
  };
  return {
    kind,
    target: { kind: 'postgres', url: database.url },
    option: database.url,
    open: () => openDatabase({ kind: 'postgres', url: database.url }),
    query,
    count: async (table) => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? 0,
    remove: database.drop,
  };
}

/** A database of `kind` opened with every store on it; `remove()` closes and deletes it. */
export async function openTestStores(
  kind: TestStoreKind,
  prefix = 'store',
): Promise<{ stores: Stores; database: TestDatabase; remove(): Promise<void> }> {
  const database = await createDatabase(kind, prefix);
  const stores = await database.open();
  return {
    stores,
    database,
    async remove() {
      await stores.close();
      await database.remove();
    },
  };
}
