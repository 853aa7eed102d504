import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../companion/src/storage/postgres/connect.ts';
import { PG_LATEST_VERSION } from '../../companion/src/storage/postgres/migrations.ts';
import { openPostgresStores } from '../../companion/src/storage/postgres/postgres-stores.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { FrozenExpectation } from '../fixtures/frozen-stores/generate.ts';
import { repoRoot } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { postgresBinDir } from '../support/postgres-cluster.ts';

/**
 * The committed frozen PostgreSQL stores (test/fixtures/frozen-postgres: plain SQL dumps, one per
 * earlier schema version, written once by its generate.ts) load into a fresh database and upgrade to
 * the current version with every record and row intact. Unlike upgrade-frozen.test.ts, which builds
 * each version from today's code, these files never change.
 */
const folder = join(repoRoot, 'test', 'fixtures', 'frozen-postgres');
const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<string, FrozenExpectation>;
const earlier = Array.from({ length: PG_LATEST_VERSION - 1 }, (_, index) => index + 1);
const run = promisify(execFile);

describe('committed frozen PostgreSQL stores', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('has a frozen dump for every earlier version', () => {
    const missing = earlier.filter((version) => expected[`v${version}`] === undefined);
    expect(missing, 'run: npx tsx test/fixtures/frozen-postgres/generate.ts').toEqual([]);
  });

  it.each(earlier)('v%i.sql upgrades to the current version with every record and row', async (version) => {
    const want = expected[`v${version}`] as FrozenExpectation;
    const database = await createTestDatabase(`frozen_file_v${version}`);
    cleanups.push(database.drop);
    const psql = join(postgresBinDir(), 'psql');
    await run(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database.url, '-f', join(folder, `v${version}.sql`)]);
    const sql = connectPostgres(database.url, { max: 1 });
    cleanups.push(() => sql.end());
    const [loaded] = await sql<{ v: number }[]>`SELECT max(version) AS v FROM schema_migrations`;
    expect(loaded?.v).toBe(version);

    const stores = await openPostgresStores(database.url);
    try {
      const annotations: string[] = [];
      for await (const record of stores.sync.iterateAnnotations({ includeDeleted: true })) {
        annotations.push(canonicalJson(record));
      }
      const comparisons: string[] = [];
      for await (const record of stores.sync.iterateComparisons({ includeDeleted: true })) {
        comparisons.push(canonicalJson(record));
      }
      expect(annotations.sort()).toEqual(want.annotations);
      expect(comparisons.sort()).toEqual(want.comparisons);
      expect(await stores.integrityCheck()).toBe('ok');
    } finally {
      await stores.close();
    }
    const [upgraded] = await sql<{ v: number }[]>`SELECT max(version) AS v FROM schema_migrations`;
    expect(upgraded?.v).toBe(PG_LATEST_VERSION);
    const history = await sql<{ body: string }[]>`SELECT body FROM history WHERE kind = 'annotation'`;
    expect(history.map((row) => canonicalJson(JSON.parse(row.body)))).toEqual(want.history);
    for (const [table, count] of Object.entries(want.counts)) {
      const [row] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(row?.n, `rows of ${table}`).toBe(count);
    }
  });
});
