import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TestDatabase } from '../../support/stores.ts';

/**
 * Tables a request may change without changing what the store holds: the dashboard's search index
 * (derived from the annotations, filled in the background after a push) and the rate limiter's buckets.
 */
const NOT_CONTENT = /^(dashboard_|rate_limit_buckets$|sqlite_)/;

/**
 * A digest of everything a companion holds: every table's rows (but the ones above) and the pairing
 * token file. Equal digests before and after a request mean the request wrote nothing.
 */
export async function storeDigest(database: TestDatabase, dataDir: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(dataDir, 'token'), 'utf8'));
  if (database.target.kind === 'sqlite') {
    const db = new Database(database.target.path, { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all()
        .filter((name) => !NOT_CONTENT.test(name));
      for (const table of tables) {
        const rows = db.prepare(`SELECT * FROM "${table}"`).raw().all();
        const lines = rows.map((row) =>
          JSON.stringify(row, (_key, value) => (Buffer.isBuffer(value) ? value.toString('hex') : value)),
        );
        hash.update(`${table}\n${lines.sort().join('\n')}\n`);
      }
    } finally {
      db.close();
    }
    return hash.digest('hex');
  }
  const tables = (
    await database.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !NOT_CONTENT.test(name));
  // One statement for every table, so a digest costs one connection.
  const sql = tables
    .map(
      (table) =>
        `SELECT '${table}' AS name, (SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "${table}" t) AS digest`,
    )
    .join(' UNION ALL ');
  for (const row of await database.query<{ name: string; digest: string }>(sql))
    hash.update(`${row.name} ${row.digest}\n`);
  return hash.digest('hex');
}
