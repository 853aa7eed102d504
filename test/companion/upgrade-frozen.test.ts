import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../companion/src/storage/postgres/connect.ts';
import { migratePostgres, PG_LATEST_VERSION, PG_MIGRATIONS } from '../../companion/src/storage/postgres/migrations.ts';
import { openPostgresStores } from '../../companion/src/storage/postgres/postgres-stores.ts';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { type Annotation, type Comparison, upgradeAnnotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { frozenRow, insertKnownColumns } from '../support/frozen-rows.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * Frozen data at every earlier schema version upgrades to the current one with every record intact,
 * and a store newer than this Margin is refused, untouched. The versions come from the migration
 * lists, so a new migration is covered by adding it: the frozen store at each version N is made by
 * applying migrations 1…N and writing representative rows the way Margin at N wrote them (v1 bodies
 * before the annotation schema v2 migration, current and superseded versions, a tombstone, a
 * comparison, a device), and every table that existed at N must keep its rows.
 */

/** The SQLite migration that rewrote stored annotations to schema v2 (bodies below it are v1). */
const SQLITE_SCHEMA_V2 = 5;

interface FrozenRecords {
  annotations: Annotation[];
  history: Annotation[];
  comparisons: Comparison[];
}

/** Records as Margin at `bodyVersion` stored them: v1 annotation bodies when `bodyVersion` is 1. */
function frozenRecords(bodyVersion: 1 | 2): FrozenRecords {
  const asStored = (record: Annotation) =>
    (bodyVersion === 1 ? { ...record, schemaVersion: 1 } : record) as unknown as Annotation;
  const live = makeAnnotation({ comment: 'kept', tags: ['frozen'], metadata: { contextMissingTurns: 3, source: 'x' } });
  const tombstone = makeAnnotation({
    revision: 2,
    deletedAt: '2026-11-02T10:00:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
  });
  const first = makeAnnotation({ score: 10, conversationId: 'conv-edited' });
  const edited = { ...first, revision: 2, score: 90, updatedAt: '2026-11-03T10:00:00.000Z' };
  const comparison: Comparison = {
    schemaVersion: 1,
    id: '00000000-0000-4000-9000-000000000001',
    a: live.id,
    b: edited.id,
    winner: 'a',
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
  };
  return {
    annotations: [live, tombstone, edited].map(asStored),
    history: [first].map(asStored),
    comparisons: [comparison],
  };
}

function historyRow(record: Annotation): Record<string, unknown> {
  const {
    seq: _seq,
    updated_at_ms: _ms,
    key: _key,
    site: _site,
    conversation_id: _c,
    annotator: _a,
    ...row
  } = frozenRow(record, 0);
  return { kind: 'annotation', ...row, superseded_at: '2026-11-03T10:00:00.000Z' };
}

/** The rows of every frozen table, in a form that survives the trip (sorted canonical JSON per row). */
function expectedRecords(records: FrozenRecords) {
  return {
    annotations: records.annotations.map((record) => canonicalJson(upgradeAnnotation(record))).sort(),
    comparisons: records.comparisons.map((record) => canonicalJson(record)).sort(),
  };
}

async function storedRecords(stores: Stores) {
  const annotations: string[] = [];
  for await (const record of stores.sync.iterateAnnotations({ includeDeleted: true })) {
    annotations.push(canonicalJson(record));
  }
  const comparisons: string[] = [];
  for await (const record of stores.sync.iterateComparisons({ includeDeleted: true })) {
    comparisons.push(canonicalJson(record));
  }
  return { annotations: annotations.sort(), comparisons: comparisons.sort() };
}

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('SQLite: frozen stores at every earlier version', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const earlier = MIGRATIONS.map((migration) => migration.version).filter((version) => version < LATEST_VERSION);
  it('has an earlier version to test', () => expect(earlier.length).toBeGreaterThanOrEqual(6));

  it.each(earlier)(
    'upgrades a store frozen at v%i to the current version with every record intact',
    async (version) => {
      const dir = await makeTempDir('frozen-sqlite');
      cleanups.push(dir.remove);
      const path = `${dir.path}/margin.sqlite`;
      const records = frozenRecords(version < SQLITE_SCHEMA_V2 ? 1 : 2);
      const db = new Database(path);
      migrate(
        db,
        MIGRATIONS.filter((migration) => migration.version <= version),
      );
      expect(db.pragma('user_version', { simple: true })).toBe(version);
      const insert = (table: string, row: Record<string, unknown>) => insertKnownColumns(db, table, row);
      for (const [index, record] of records.annotations.entries()) insert('annotations', frozenRow(record, index + 1));
      for (const [index, record] of records.comparisons.entries())
        insert('comparisons', frozenRow(record, 100 + index));
      for (const record of records.history) insert('history', historyRow(record));
      insert('devices', {
        id: 'frozen-device',
        first_seen: '2026-11-01T10:00:00.000Z',
        last_seen: '2026-11-03T10:00:00.000Z',
      });
      if (version >= 3) {
        insert('reviews', {
          id: 'frozen-review',
          key: null,
          request_hash: 'h',
          request: '{}',
          status: 'expired',
          created_at: '2026-11-01T10:00:00.000Z',
        });
      }
      // Every table's row count before (derived dashboard tables are rebuilt, not kept).
      const tables = (
        db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'dashboard_%' AND name NOT LIKE 'sqlite_%'",
          )
          .all() as Array<{ name: string }>
      ).map((row) => row.name);
      const countsBefore = Object.fromEntries(
        tables.map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]),
      );
      db.close();

      const stores = await openSqliteStores(path);
      try {
        expect(await storedRecords(stores)).toEqual(expectedRecords(records));
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
      const upgraded = new Database(path, { readonly: true });
      try {
        expect(upgraded.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
        for (const table of tables) {
          const { n } = upgraded.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
          expect(n, `rows of ${table}`).toBe(countsBefore[table]);
        }
        const history = upgraded
          .prepare("SELECT body FROM history WHERE kind = 'annotation'")
          .pluck()
          .all() as string[];
        expect(history.map((body) => canonicalJson(JSON.parse(body)))).toEqual(
          records.history.map((record) => canonicalJson(upgradeAnnotation(record))),
        );
      } finally {
        upgraded.close();
      }
    },
  );

  it('refuses a store newer than this Margin, names both versions, and leaves the file untouched', async () => {
    const dir = await makeTempDir('newer-sqlite');
    cleanups.push(dir.remove);
    const path = `${dir.path}/margin.sqlite`;
    const stores = await openSqliteStores(path);
    await stores.close();
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = fileHash(path);
    expect(() => openSqliteStores(path)).toThrow(
      new RegExp(
        `version ${LATEST_VERSION + 1}, newer than this Margin understands \\(${LATEST_VERSION}\\); upgrade Margin`,
      ),
    );
    expect(fileHash(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('PostgreSQL: frozen stores at every earlier version', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const earlier = PG_MIGRATIONS.map((migration) => migration.version).filter((version) => version < PG_LATEST_VERSION);
  it('has an earlier version to test', () => expect(earlier.length).toBeGreaterThanOrEqual(1));

  it.each(earlier)(
    'upgrades a store frozen at v%i to the current version with every record intact',
    async (version) => {
      const database = await createTestDatabase('frozen');
      cleanups.push(database.drop);
      // PostgreSQL v1 already held annotation schema v2 (it began after SQLite v5).
      const records = frozenRecords(2);
      const sql = connectPostgres(database.url, { max: 1 });
      let tables: string[] = [];
      const countsBefore: Record<string, number> = {};
      try {
        await migratePostgres(
          sql,
          PG_MIGRATIONS.filter((migration) => migration.version <= version),
        );
        const insert = async (table: string, row: Record<string, unknown>) => {
          const columns = new Set(
            (
              await sql<
                { column_name: string }[]
              >`SELECT column_name FROM information_schema.columns WHERE table_name = ${table}`
            ).map((column) => column.column_name),
          );
          const entries = Object.entries(row).filter(([name]) => columns.has(name));
          await sql.unsafe(
            `INSERT INTO ${table} (${entries.map(([name]) => name).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
            entries.map(([, value]) => value) as never[],
          );
        };
        for (const [index, record] of records.annotations.entries())
          await insert('annotations', frozenRow(record, index + 1));
        for (const [index, record] of records.comparisons.entries())
          await insert('comparisons', frozenRow(record, 100 + index));
        for (const record of records.history) await insert('history', historyRow(record));
        await sql`UPDATE sync_sequence SET last_seq = 100 + ${records.comparisons.length}`;
        await insert('devices', {
          id: 'frozen-device',
          first_seen: '2026-11-01T10:00:00.000Z',
          last_seen: '2026-11-03T10:00:00.000Z',
        });
        tables = (
          await sql<
            { tablename: string }[]
          >`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'dashboard_%'`
        ).map((row) => row.tablename);
        for (const table of tables) {
          const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
          countsBefore[table] = row?.n ?? 0;
        }
      } finally {
        await sql.end();
      }

      const stores = await openPostgresStores(database.url);
      const check = connectPostgres(database.url, { max: 1 });
      try {
        const [current] = await check<{ v: number }[]>`SELECT max(version) AS v FROM schema_migrations`;
        expect(current?.v).toBe(PG_LATEST_VERSION);
        expect(await storedRecords(stores)).toEqual(expectedRecords(records));
        for (const table of tables) {
          if (table === 'schema_migrations') continue;
          const [row] = await check.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
          expect(row?.n, `rows of ${table}`).toBe(countsBefore[table]);
        }
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await check.end();
        await stores.close();
      }
    },
  );

  it('refuses a store newer than this Margin, names both versions, and leaves it untouched', async () => {
    const database = await createTestDatabase('newer');
    cleanups.push(database.drop);
    const stores = await openPostgresStores(database.url);
    await stores.close();
    const sql = connectPostgres(database.url, { max: 1 });
    const snapshot = async () => {
      const rows = await sql`SELECT version, description FROM schema_migrations ORDER BY version`;
      const tables = await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
      return JSON.stringify([rows, tables]);
    };
    try {
      await sql`INSERT INTO schema_migrations (version, description) VALUES (${PG_LATEST_VERSION + 1}, 'from a newer Margin')`;
      const before = await snapshot();
      await expect(openPostgresStores(database.url)).rejects.toThrow(
        new RegExp(
          `schema version ${PG_LATEST_VERSION + 1}, newer than this Margin understands \\(${PG_LATEST_VERSION}\\); upgrade Margin`,
        ),
      );
      expect(await snapshot()).toBe(before);
    } finally {
      await sql.end();
    }
  });
});
