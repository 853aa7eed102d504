import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupSqliteStore, restoreSqliteStore } from '../../companion/src/backup/sqlite-backup.ts';
import { seededRandom } from '../support/annotation-arbitrary.ts';
import { fillEveryTable } from '../support/backup-fill.ts';
import { repoRoot } from '../support/paths.ts';
import { sqliteDatabaseAt } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * `margin backup` / `margin restore` on SQLite: the backup holds every table row for row, a restore
 * into an empty store gives the same rows, and a restore SIGKILLed at a seeded random moment leaves
 * the store wholly the old one or wholly the restored one.
 */
const SEED = 18_2028;

/** Every row of every table, and the schema: what "row for row" compares. */
function everyRow(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const out: Record<string, unknown[]> = {
      schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
      user_version: [db.pragma('user_version', { simple: true })],
    };
    // Sorted as text: some tables are WITHOUT ROWID, and the order rows were written in is no content.
    for (const table of tables)
      out[table] = db
        .prepare(`SELECT * FROM ${table}`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort();
    return out;
  } finally {
    db.close();
  }
}

async function filledStore(dir: string, name: string, tag: string, annotations?: number): Promise<string> {
  const path = join(dir, name);
  const stores = await sqliteDatabaseAt(path).open();
  try {
    await fillEveryTable(stores, tag, annotations);
  } finally {
    await stores.close();
  }
  return path;
}

describe('margin backup and restore (sqlite)', () => {
  it('backs up every table, and a restore into an empty store gives the same rows, row for row', async () => {
    const dir = await makeTempDir('backup-roundtrip');
    try {
      const source = await filledStore(dir.path, 'margin.sqlite', 'a');
      const rows = everyRow(source);
      const empty = Object.entries(rows)
        .filter(([table, list]) => list.length === 0 && !table.startsWith('dashboard_'))
        .map(([table]) => table);
      // Every table of a user's work is filled (the rest are one server's passing state, or not reachable here).
      expect(empty.sort()).toEqual(['comparisons', 'queue_adjudications', 'rate_limit_buckets', 'sign_in_codes']);
      for (const table of [
        'users',
        'user_tokens',
        'audit_log',
        'queues',
        'queue_items',
        'queue_answers',
        'queue_leases',
      ])
        expect(rows[table]?.length, table).toBeGreaterThan(0);
      expect(JSON.stringify(rows.user_tokens)).not.toContain('a-grace.'); // hashes only, never a token

      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(source, backup);
      expect(statSync(backup).mode & 0o077).toBe(0);
      expect(() => backupSqliteStore(source, backup)).toThrow(/exists already/);
      const restored = join(dir.path, 'restored', 'margin.sqlite');
      mkdirSync(join(dir.path, 'restored'));
      const { previous } = await restoreSqliteStore(backup, restored);
      expect(previous).toBeNull();
      expect(everyRow(restored)).toEqual(rows);
      // Backing up the restored store gives the same content again.
      backupSqliteStore(restored, join(dir.path, 'again.sqlite'));
      expect(everyRow(join(dir.path, 'again.sqlite'))).toEqual(rows);
      const stores = await sqliteDatabaseAt(restored).open();
      try {
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('refuses a file that is not a Margin backup, and leaves the store untouched', async () => {
    const dir = await makeTempDir('backup-refuse');
    try {
      const store = await filledStore(dir.path, 'margin.sqlite', 'a');
      const before = everyRow(store);
      const foreign = join(dir.path, 'notes.sqlite');
      new Database(foreign).exec('CREATE TABLE notes (x)').close();
      await expect(restoreSqliteStore(foreign, store)).rejects.toThrow(/not a Margin store/);
      await expect(restoreSqliteStore(join(dir.path, 'none.sqlite'), store)).rejects.toThrow(/no backup at/);
      expect(everyRow(store)).toEqual(before);
      expect(readdirSync(dir.path).filter((name) => name.startsWith('.'))).toEqual([]);
      // Over a damaged store (what a restore is for): the restore goes through, the damaged file is kept.
      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(store, backup);
      writeFileSync(store, 'not a database, a text file someone saved here\n');
      const { previous } = await restoreSqliteStore(backup, store);
      expect(everyRow(store)).toEqual(before);
      expect(readFileSync(previous as string, 'utf8')).toContain('not a database');
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('replaces an existing store wholly, keeping the old one under a second name', async () => {
    const dir = await makeTempDir('backup-replace');
    try {
      const backupSource = await filledStore(dir.path, 'b.sqlite', 'b');
      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(backupSource, backup);
      const store = await filledStore(dir.path, 'margin.sqlite', 'a');
      const old = everyRow(store);
      const { previous } = await restoreSqliteStore(backup, store);
      expect(everyRow(store)).toEqual(everyRow(backupSource));
      expect(previous && everyRow(previous)).toEqual(old);
    } finally {
      await dir.remove();
    }
  }, 60_000);
});

function margin(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('margin restore killed mid-way (sqlite)', () => {
  it('leaves the store wholly the old one or wholly the restored one after each SIGKILL', async () => {
    const dir = await makeTempDir('restore-kill');
    try {
      const newer = await filledStore(dir.path, 'newer.sqlite', 'new', 1500);
      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(newer, backup);
      const restoredRows = everyRow(newer);
      const oldFile = await filledStore(dir.path, 'old.sqlite', 'old', 1500);
      const oldRows = everyRow(oldFile);
      const data = join(dir.path, 'data');
      mkdirSync(data);
      const store = join(data, 'margin.sqlite');

      const staging = () => readdirSync(data).some((name) => name.startsWith('.margin.sqlite.restore-'));
      /** Starts a restore and resolves once its staging file appears (its work has begun) or it ended. */
      const begin = async () => {
        const run = margin(['restore', backup, '--data-dir', data]);
        let ended = false;
        void run.exited.then(() => {
          ended = true;
        });
        while (!ended && !staging()) await new Promise((r) => setTimeout(r, 2));
        return { run, began: Date.now() };
      };

      // How long a restore works once its staging file is there, so the kills land anywhere inside that.
      copyFileSync(oldFile, store);
      const full = await begin();
      expect(await full.run.exited).toBe(0);
      const workMs = Date.now() - full.began;
      expect(everyRow(store)).toEqual(restoredRows);

      const random = seededRandom(SEED);
      const outcomes: string[] = [];
      for (let round = 0; round < 6; round++) {
        for (const name of readdirSync(data)) rmSync(join(data, name));
        copyFileSync(oldFile, store);
        const { run } = await begin();
        await new Promise((r) => setTimeout(r, Math.floor(random() * workMs)));
        const staged = staging();
        run.child.kill('SIGKILL');
        await run.exited;
        const rows = everyRow(store);
        const whole = JSON.stringify(rows) === JSON.stringify(oldRows) ? 'old' : 'restored';
        expect(rows, `round ${round}`).toEqual(whole === 'old' ? oldRows : restoredRows);
        outcomes.push(`${whole}${staged ? ' (staged)' : ''}`);
      }
      console.log(`restore kills: ${outcomes.join(', ')} (a restore works ${workMs} ms once staged)`);
      // The next restore finishes the job and clears what a killed one left behind.
      expect(await margin(['restore', backup, '--data-dir', data]).exited).toBe(0);
      expect(everyRow(store)).toEqual(restoredRows);
      expect(readdirSync(data).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      await dir.remove();
    }
  }, 120_000);
});
