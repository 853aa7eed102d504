import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupPostgresStore, restorePostgresStore } from '../../companion/src/backup/postgres-backup.ts';
import { seededRandom } from '../support/annotation-arbitrary.ts';
import { fillEveryTable } from '../support/backup-fill.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * `margin backup` / `margin restore` on PostgreSQL (pg_dump, and pg_restore in one transaction): the
 * backup holds every table row for row, and a restore SIGKILLed at a seeded random moment leaves the
 * store wholly the old one or wholly the restored one.
 */
const SEED = 18_2029;

/** Every row of every table in the store's schema, sorted as text, and the migrations applied. */
async function everyRow(database: TestDatabase): Promise<Record<string, string[]>> {
  const tables = await database.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    out[name] = (await database.query(`SELECT * FROM ${name}`)).map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

async function filled(tag: string, annotations?: number): Promise<TestDatabase> {
  const database = await createDatabase('postgres', `backup-${tag}`);
  const stores = await database.open();
  try {
    await fillEveryTable(stores, tag, annotations);
  } finally {
    await stores.close();
  }
  return database;
}

function margin(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  // Its own process group, so a kill reaches pg_restore too (the process doing the work).
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
    cwd: repoRoot,
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('margin backup and restore (postgres)', () => {
  it('backs up every table, and a restore into an empty store or over another gives the same rows', async () => {
    const dir = await makeTempDir('backup-pg');
    const source = await filled('a');
    const empty = await createDatabase('postgres', 'backup-empty');
    const other = await filled('b');
    try {
      const rows = await everyRow(source);
      const unfilled = Object.entries(rows)
        .filter(([table, list]) => list.length === 0 && !table.startsWith('dashboard_'))
        .map(([table]) => table);
      expect(unfilled.sort()).toEqual(['comparisons', 'queue_adjudications', 'rate_limit_buckets', 'sign_in_codes']);
      const backup = join(dir.path, 'margin.dump');
      await backupPostgresStore(source.option, backup);
      await expect(backupPostgresStore(source.option, backup)).rejects.toThrow(/exists already/);
      await restorePostgresStore(backup, empty.option);
      expect(await everyRow(empty)).toEqual(rows);
      await restorePostgresStore(backup, other.option);
      expect(await everyRow(other)).toEqual(rows);
      const stores = await other.open();
      try {
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
    } finally {
      for (const database of [source, empty, other]) await database.remove();
      await dir.remove();
    }
  }, 120_000);

  it('leaves the store wholly the old one or wholly the restored one after each SIGKILL', async () => {
    const dir = await makeTempDir('restore-kill-pg');
    const newer = await filled('new', 600);
    const target = await filled('old', 600);
    try {
      const backup = join(dir.path, 'new.dump');
      const oldBackup = join(dir.path, 'old.dump');
      await backupPostgresStore(newer.option, backup);
      await backupPostgresStore(target.option, oldBackup);
      const [restoredRows, oldRows] = [await everyRow(newer), await everyRow(target)];

      const restoring = async () =>
        (
          await target.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pg_restore'",
          )
        )[0]?.n ?? 0;
      /** Starts a restore and resolves once pg_restore is connected (its work has begun) or it ended. */
      const begin = async () => {
        const run = margin(['restore', backup, `--database=${target.option}`]);
        let ended = false;
        void run.exited.then(() => {
          ended = true;
        });
        while (!ended && (await restoring()) === 0) await new Promise((r) => setTimeout(r, 5));
        return { run, began: Date.now() };
      };
      const full = await begin();
      expect(await full.run.exited).toBe(0);
      const spanMs = Date.now() - full.began;
      expect(await everyRow(target)).toEqual(restoredRows);

      const random = seededRandom(SEED);
      const outcomes: string[] = [];
      for (let round = 0; round < 4; round++) {
        await restorePostgresStore(oldBackup, target.option);
        const { run } = await begin();
        await new Promise((r) => setTimeout(r, Math.floor(random() * spanMs)));
        try {
          process.kill(-(run.child.pid as number), 'SIGKILL');
        } catch {
          // it had finished
        }
        await run.exited;
        // The server ends the killed session's transaction; wait until no restore session is left.
        for (let i = 0; i < 200; i++) {
          if ((await restoring()) === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const rows = await everyRow(target);
        const whole = JSON.stringify(rows) === JSON.stringify(oldRows) ? 'old' : 'restored';
        expect(rows, `round ${round}`).toEqual(whole === 'old' ? oldRows : restoredRows);
        outcomes.push(whole);
      }
      console.log(`postgres restore kills: ${outcomes.join(', ')} (pg_restore works ${spanMs} ms once connected)`);
    } finally {
      await newer.remove();
      await target.remove();
      await dir.remove();
    }
  }, 180_000);
});
