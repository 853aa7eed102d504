import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../companion/src/doctor/doctor-check.ts';
import { runDoctor } from '../../companion/src/doctor/run-doctor.ts';
import { LATEST_VERSION } from '../../companion/src/storage/sqlite/migrations.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * `margin doctor` reads the data directory and the store, never changes them, gives one line per check
 * with the way out for each failure, and exits non-zero when a check fails.
 */
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const statusOf = (report: DoctorReport, id: string) => report.checks.find((item) => item.id === id)?.status;

function margin(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'margin.js'), ...args],
      { cwd: repoRoot, timeout: 60_000 },
      (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout }),
    );
  });
}

describe('margin doctor', { timeout: 120_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const tempDir = async () => {
    const dir = await makeTempDir('doctor');
    cleanups.push(dir.remove);
    return dir.path;
  };
  /** A data directory with a store holding `count` annotations (and a filler table to damage). */
  const storeWith = async (count: number, filler = 0) => {
    const dataDir = await tempDir();
    const path = join(dataDir, 'margin.sqlite');
    const stores = openSqliteStores(path);
    await stores.sync.applyChanges({
      deviceId: 'device-1',
      receivedAt: new Date().toISOString(),
      annotations: Array.from({ length: count }, () => makeAnnotation()),
      comparisons: [],
    });
    await stores.close();
    if (filler > 0) {
      const db = new Database(path);
      db.pragma('journal_mode = DELETE');
      db.exec('CREATE TABLE filler (x TEXT)');
      const insert = db.prepare('INSERT INTO filler VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < filler; i++) insert.run(`${i}`.padEnd(500, 'y'));
      })();
      db.close();
    }
    // As margin's own commands leave them: the directory user-only, the file too.
    chmodSync(dataDir, 0o700);
    chmodSync(path, 0o600);
    return { dataDir, path, target: { kind: 'sqlite' as const, path } };
  };

  it('finds nothing wrong with a healthy store and a fresh backup, and changes nothing', async () => {
    const { dataDir, path, target } = await storeWith(3);
    mkdirSync(join(dataDir, 'backups'));
    writeFileSync(join(dataDir, 'backups', 'margin-backup-2026-12-07.jsonl'), '{}\n');
    const before = hashOf(path);
    const report = await runDoctor({ dataDir, target });
    expect(report.ok).toBe(true);
    for (const item of report.checks.filter((c) => c.id !== 'disk.free')) {
      expect(item, `${item.id}: ${item.detail}`).toMatchObject({ status: 'ok' });
    }
    expect(report.checks.map((item) => item.id)).toEqual([
      'data-dir',
      'sqlite.file',
      'sqlite.schema',
      'sqlite.integrity',
      'sqlite.foreign-keys',
      'sqlite.wal',
      'disk.free',
      'backups',
    ]);
    expect(report.checks.find((c) => c.id === 'sqlite.schema')?.detail).toContain(
      `version ${LATEST_VERSION} (current), 3 live annotations`,
    );
    expect(hashOf(path)).toBe(before);
    const cli = await margin(['doctor', '--data-dir', dataDir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^ok\s+Integrity\s+PRAGMA integrity_check: ok$/m);
    expect(cli.stdout).toContain('No problem found');
  });

  it('a missing backup, or an old one, is a warning with the way to make one, not a failure', async () => {
    const { dataDir, target } = await storeWith(1);
    const none = await runDoctor({ dataDir, target });
    expect(none.ok).toBe(true);
    expect(statusOf(none, 'backups')).toBe('warn');
    expect(none.checks.find((c) => c.id === 'backups')?.fix).toContain('margin backup --database');
    const elsewhere = await tempDir();
    const old = join(elsewhere, 'margin-backup-2026-10-01.jsonl');
    writeFileSync(old, '{}\n');
    const monthAgo = new Date(Date.now() - 30 * 24 * 3_600_000);
    utimesSync(old, monthAgo, monthAgo);
    const stale = await runDoctor({ dataDir, target, backupDirs: [elsewhere] });
    expect(stale.checks.find((c) => c.id === 'backups')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('30 days old'),
    });
  });

  it('a foreign file at the data path fails, names what it looks like and the way back, untouched', async () => {
    const dataDir = await tempDir();
    const path = join(dataDir, 'margin.sqlite');
    writeFileSync(path, 'name,score\nada,80\n'.repeat(500));
    const before = hashOf(path);
    const cli = await margin(['doctor', '--data-dir', dataDir, '--json']);
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'sqlite.file')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not a SQLite database: it looks like a text file'),
      fix: expect.stringMatching(/another program.*last backup/),
    });
    expect(hashOf(path)).toBe(before);
  });

  it("another program's SQLite database fails on its schema", async () => {
    const dataDir = await tempDir();
    const path = join(dataDir, 'margin.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)');
    db.close();
    const report = await runDoctor({ dataDir, target: { kind: 'sqlite', path } });
    expect(report.checks.find((c) => c.id === 'sqlite.schema')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("another program's database"),
    });
  });

  it('a damaged file fails with the recovery steps, in text and exit code, and is left untouched', async () => {
    const { dataDir, path } = await storeWith(2, 2_000);
    const bytes = readFileSync(path);
    for (let i = 4096; i < 4096 * 40; i++) bytes[i] = (i * 7) & 255;
    writeFileSync(path, bytes);
    const before = hashOf(path);
    const cli = await margin(['doctor', '--data-dir', dataDir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/^FAIL\s+\S.*(malformed|corrupt|damaged|integrity_check found)/im);
    expect(cli.stdout).toMatch(/→ .*last backup.*\.recover/);
    expect(cli.stdout).toContain('check failed');
    expect(hashOf(path)).toBe(before);
  });

  it('damage only PRAGMA integrity_check sees (a data page of one table) fails the integrity line', async () => {
    const { dataDir, path, target } = await storeWith(2, 2_000);
    const bytes = readFileSync(path);
    // The filler rows fill the last pages: scribble over a few, leaving the schema and annotations readable.
    const pageSize = bytes.readUInt16BE(16);
    const start = bytes.length - pageSize * 8;
    for (let i = start; i < start + pageSize * 4; i++) bytes[i] = (i * 13) & 255;
    writeFileSync(path, bytes);
    const report = await runDoctor({ dataDir, target });
    expect(report.ok).toBe(false);
    expect(statusOf(report, 'sqlite.schema')).toBe('ok');
    expect(report.checks.find((c) => c.id === 'sqlite.integrity')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('.recover'),
    });
  });

  it('rows pointing at a missing parent fail the foreign-key line', async () => {
    const { dataDir, path, target } = await storeWith(1);
    const db = new Database(path);
    db.pragma('foreign_keys = OFF');
    db.prepare(
      "INSERT INTO user_tokens (hash, user_name, purpose, created_at) VALUES ('h', 'ghost', 'personal', '2026-01-01')",
    ).run();
    db.close();
    const report = await runDoctor({ dataDir, target });
    expect(report.checks.find((c) => c.id === 'sqlite.foreign-keys')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('user_tokens → users'),
    });
  });

  it('a store from a newer Margin fails with "upgrade Margin", and stays as it was', async () => {
    const { dataDir, path, target } = await storeWith(1);
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const before = hashOf(path);
    const report = await runDoctor({ dataDir, target });
    expect(report.checks.find((c) => c.id === 'sqlite.schema')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(
        `version ${LATEST_VERSION + 1}, newer than this Margin understands (${LATEST_VERSION})`,
      ),
      fix: expect.stringContaining('upgrade Margin'),
    });
    expect(hashOf(path)).toBe(before);
  });

  it('a store from an older Margin is a warning: it is upgraded at the next start', async () => {
    const { dataDir, path, target } = await storeWith(1);
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION - 1}`);
    db.close();
    const report = await runDoctor({ dataDir, target });
    expect(report.ok).toBe(true);
    expect(statusOf(report, 'sqlite.schema')).toBe('warn');
  });

  it('a data directory that is a file fails', async () => {
    const parent = await tempDir();
    const dataDir = join(parent, 'data');
    writeFileSync(dataDir, 'x');
    const report = await runDoctor({ dataDir, target: { kind: 'sqlite', path: join(dataDir, 'margin.sqlite') } });
    expect(report.ok).toBe(false);
    expect(statusOf(report, 'data-dir')).toBe('fail');
  });

  it('on PostgreSQL: connects, reads the version and the migrations; an unreachable server fails with a hint', async () => {
    const dataDir = await tempDir();
    const database = await createTestDatabase('doctor');
    cleanups.push(database.drop);
    const empty = await runDoctor({ dataDir, target: { kind: 'postgres', url: database.url } });
    expect(statusOf(empty, 'postgres.connect')).toBe('ok');
    expect(statusOf(empty, 'postgres.migrations')).toBe('warn');
    const { openPostgresStores } = await import('../../companion/src/storage/postgres/postgres-stores.ts');
    await (await openPostgresStores(database.url)).close();
    const migrated = await runDoctor({ dataDir, target: { kind: 'postgres', url: database.url } });
    expect(migrated.ok).toBe(true);
    for (const id of ['postgres.connect', 'postgres.version', 'postgres.migrations', 'postgres.integrity']) {
      expect(statusOf(migrated, id), id).toBe('ok');
    }
    const down = await runDoctor({
      dataDir,
      target: { kind: 'postgres', url: 'postgres://margin@127.0.0.1:1/margin' },
    });
    expect(down.ok).toBe(false);
    expect(down.checks.find((c) => c.id === 'postgres.connect')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('start PostgreSQL'),
    });
  });
});
