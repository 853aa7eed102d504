import { closeSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION } from '../storage/sqlite/migrations.ts';
import { openSqliteStores } from '../storage/sqlite/sqlite-stores.ts';

/**
 * A backup of a SQLite store is the store itself, written by SQLite (`VACUUM INTO`): every table,
 * so annotations with history, comparisons, ratings, reviews, items, import runs, users with their
 * token hashes (tokens are never stored in the clear), queues with items, answers and leases, and the
 * audit log. Nothing is listed by hand, so a table added later is in the backup without a change here.
 * Both directions go through a temporary file in the destination's directory and a rename, so a kill
 * leaves the old file or the new one, never half of either.
 */

/** A new empty file next to `path`, user-only like the store (it holds every chat); VACUUM INTO fills it. */
function temporaryOf(path: string, purpose: string): string {
  const temporary = join(dirname(path), `.${basename(path)}.${purpose}-${process.pid}-${Date.now()}`);
  closeSync(openSync(temporary, 'wx', 0o600));
  return temporary;
}

function syncDirectory(path: string): void {
  // The rename is durable once the directory is on disk (a power loss must not bring the old name back).
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a consistent copy of the store at `databasePath` to `outPath` (a companion may keep running). */
export function backupSqliteStore(databasePath: string, outPath: string): { bytes: number } {
  if (!existsSync(databasePath)) throw new Error(`no store at ${databasePath}: nothing to back up`);
  if (existsSync(outPath)) throw new Error(`${outPath} exists already: choose a new file name for the backup`);
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  const temporary = temporaryOf(outPath, 'backup');
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction: the copy is the store at one moment, whatever a running companion writes.
    db.prepare('VACUUM INTO ?').run(temporary);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`could not back up ${databasePath} to ${outPath}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  const fd = openSync(temporary, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, outPath);
  syncDirectory(outPath);
  const check = new Database(outPath, { readonly: true });
  try {
    return {
      bytes:
        (check.pragma('page_count', { simple: true }) as number) *
        (check.pragma('page_size', { simple: true }) as number),
    };
  } finally {
    check.close();
  }
}

/** Refuses what is not a Margin store this Margin can open, before anything at the destination changes. */
function checkBackup(backupPath: string): void {
  if (!existsSync(backupPath)) throw new Error(`no backup at ${backupPath}`);
  let db: Database.Database;
  try {
    db = new Database(backupPath, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`${backupPath} is not a SQLite backup: ${(error as Error).message}`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasAnnotations = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'annotations'")
      .get();
    if (!hasAnnotations || version === 0) throw new Error(`${backupPath} is a SQLite file but not a Margin store`);
    if (version > LATEST_VERSION) {
      throw new Error(
        `${backupPath} is at schema version ${version}, newer than this Margin's ${LATEST_VERSION}: upgrade Margin to restore it`,
      );
    }
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${backupPath} fails SQLite's integrity check (${String(integrity)})`);
  } catch (error) {
    if ((error as Error).message.startsWith(backupPath)) throw error;
    throw new Error(`${backupPath} is not a readable SQLite backup: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  /** Where the store as it was before the restore is kept (null when there was none). */
  previous: string | null;
}

/**
 * Replaces the store at `databasePath` with the backup, wholly or not at all: the backup is copied to
 * a staging file next to the store, upgraded to this Margin's schema and checked there; the old store
 * is checkpointed (its WAL folded in, so no stale WAL can meet the new file) and kept under a second
 * name; then one rename puts the staging file in place. Nobody may have the store open meanwhile.
 */
export async function restoreSqliteStore(
  backupPath: string,
  databasePath: string,
  options: { now?: () => Date; afterStaging?: () => void } = {},
): Promise<RestoreResult> {
  checkBackup(backupPath);
  // A restore killed earlier left its staging file; it was never the store, so it goes.
  const stalePrefix = `.${basename(databasePath)}.restore-`;
  for (const name of readdirSync(dirname(databasePath))) {
    if (name.startsWith(stalePrefix)) rmSync(join(dirname(databasePath), name), { force: true });
  }
  const staging = temporaryOf(databasePath, 'restore');
  try {
    const source = new Database(backupPath, { readonly: true, fileMustExist: true });
    try {
      source.prepare('VACUUM INTO ?').run(staging);
    } finally {
      source.close();
    }
    // The stores' own opening migrates a backup from an older Margin (one transaction per migration).
    const stores = await openSqliteStores(staging);
    try {
      const integrity = await stores.integrityCheck();
      if (integrity !== 'ok') throw new Error(`the restored copy fails SQLite's integrity check (${integrity})`);
    } finally {
      await stores.close();
    }
    const check = new Database(staging);
    try {
      check.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      check.close();
    }
    if (existsSync(`${staging}-wal`)) throw new Error('the staging copy kept a write-ahead log open');
    const fd = openSync(staging, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    options.afterStaging?.();
    let previous: string | null = null;
    if (existsSync(databasePath)) {
      // A damaged or foreign file (what a restore is often for) cannot be checkpointed: it is kept
      // aside as it is, with its log, so no stale log can meet the restored file.
      let readable = true;
      try {
        const old = new Database(databasePath, { fileMustExist: true });
        try {
          old.pragma('busy_timeout = 5000');
          old.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          old.close();
        }
      } catch {
        readable = false;
      }
      // Closing the last connection removes the WAL; one left means another process has the store open.
      if (readable && existsSync(`${databasePath}-wal`)) {
        throw new Error(
          `${databasePath} is open in another process (a running companion?): stop it, then restore again`,
        );
      }
      const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      previous = `${databasePath}.before-restore-${stamp}`;
      linkSync(databasePath, previous);
      if (existsSync(`${databasePath}-wal`)) renameSync(`${databasePath}-wal`, `${previous}-wal`);
    }
    rmSync(`${databasePath}-shm`, { force: true });
    renameSync(staging, databasePath);
    syncDirectory(databasePath);
    return { previous };
  } finally {
    for (const leftover of [staging, `${staging}-wal`, `${staging}-shm`]) rmSync(leftover, { force: true });
  }
}
