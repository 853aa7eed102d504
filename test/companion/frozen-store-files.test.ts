import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../../companion/src/storage/sqlite/migrations.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { FrozenExpectation } from '../fixtures/frozen-stores/generate.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * The committed frozen stores (test/fixtures/frozen-stores, one per earlier schema version) upgrade to
 * the current version with every record intact. Unlike upgrade-frozen.test.ts, which builds each
 * version from today's code, these files were written once and never change.
 */
const folder = join(repoRoot, 'test', 'fixtures', 'frozen-stores');
const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<string, FrozenExpectation>;
const earlier = Array.from({ length: LATEST_VERSION - 1 }, (_, index) => index + 1);

describe('committed frozen SQLite stores', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir('frozen-files');
  });
  afterAll(() => dir?.remove());

  it('has a frozen file for every earlier version', () => {
    const missing = earlier.filter((version) => expected[`v${version}`] === undefined);
    expect(missing, 'run: npx tsx test/fixtures/frozen-stores/generate.ts (see its README)').toEqual([]);
  });

  it.each(earlier)('v%i.sqlite upgrades to the current version with every record and row', async (version) => {
    const want = expected[`v${version}`] as FrozenExpectation;
    const path = join(dir.path, `v${version}.sqlite`);
    copyFileSync(join(folder, `v${version}.sqlite`), path);
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(version);
    before.close();

    const stores = openSqliteStores(path);
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
    const upgraded = new Database(path, { readonly: true });
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const history = upgraded.prepare("SELECT body FROM history WHERE kind = 'annotation'").pluck().all() as string[];
      expect(history.map((body) => canonicalJson(JSON.parse(body)))).toEqual(want.history);
      for (const [table, count] of Object.entries(want.counts)) {
        expect(upgraded.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), `rows of ${table}`).toBe(count);
      }
    } finally {
      upgraded.close();
    }
  });
});
