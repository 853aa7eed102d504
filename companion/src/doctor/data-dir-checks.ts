import { accessSync, constants, existsSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check, type DoctorCheck, formatAge, formatBytes } from './doctor-check.ts';

/** Below this the next sync or export may fail: the companion needs room for its WAL and temp files. */
export const DISK_FAIL_BYTES = 64 * 1024 * 1024;
const DISK_WARN_BYTES = 1024 * 1024 * 1024;
/** A backup older than this is worth a warning: a week of judgement is a lot to give again. */
export const BACKUP_WARN_AGE_MS = 7 * 24 * 3_600_000;

/** The data directory: there, a directory, writable, user-only. */
export function dataDirCheck(dataDir: string): DoctorCheck {
  const label = 'Data directory';
  if (!existsSync(dataDir)) {
    return check(
      'data-dir',
      label,
      'warn',
      `${dataDir} does not exist yet`,
      'margin serve (or margin token) creates it',
    );
  }
  const stat = statSync(dataDir);
  if (!stat.isDirectory()) {
    return check(
      'data-dir',
      label,
      'fail',
      `${dataDir} is a file, not a directory`,
      'move that file away, or point --data-dir (MARGIN_DATA_DIR) at a directory',
    );
  }
  try {
    accessSync(dataDir, constants.W_OK);
  } catch {
    return check(
      'data-dir',
      label,
      'fail',
      `${dataDir} is not writable by this user`,
      `give it back to this user: chown -R "$(id -un)" "${dataDir}"`,
    );
  }
  if ((stat.mode & 0o077) !== 0) {
    return check(
      'data-dir',
      label,
      'warn',
      `${dataDir} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); it holds chat text and the token`,
      `chmod 700 "${dataDir}"`,
    );
  }
  return check('data-dir', label, 'ok', dataDir);
}

/** Free space on the file system holding `dir` (the nearest existing parent). */
export function diskCheck(dir: string, databaseBytes: number): DoctorCheck {
  const label = 'Free disk space';
  let probe = dir;
  while (!existsSync(probe) && join(probe, '..') !== probe) probe = join(probe, '..');
  const stats = statfsSync(probe);
  const free = Number(stats.bavail) * Number(stats.bsize);
  const detail = `${formatBytes(free)} free on the disk holding ${probe}`;
  if (free < DISK_FAIL_BYTES) {
    return check(
      'disk.free',
      label,
      'fail',
      `${detail}: the next sync or export can fail with disk_full`,
      'free space on that disk (or move the data directory); the companion resumes by itself, nothing acknowledged is lost',
    );
  }
  if (free < DISK_WARN_BYTES || free < databaseBytes) {
    return check(
      'disk.free',
      label,
      'warn',
      `${detail}, the database takes ${formatBytes(databaseBytes)}`,
      'free space soon: a backup or a copy of the database needs as much again',
    );
  }
  return check('disk.free', label, 'ok', detail);
}

/** What a backup is called: the dashboard's download, or a `margin copy --to …sqlite` copy. */
const BACKUP_NAME = /^margin-backup.*\.jsonl$|\.(sqlite|sqlite3|db)$/;

interface BackupFile {
  path: string;
  modified: number;
}

function backupsIn(dir: string, isDataDir: boolean): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => BACKUP_NAME.test(name) && !(isDataDir && name.startsWith('margin.sqlite')))
    .map((name) => join(dir, name))
    .flatMap((path) => {
      const stat = statSync(path, { throwIfNoEntry: false });
      return stat?.isFile() ? [{ path, modified: stat.mtimeMs }] : [];
    });
}

/**
 * Backups in `<data-dir>/backups`, the data directory itself and every `--backups` directory. Their
 * absence is a warning, not a failure: the store is fine, but nothing would bring it back if it were not.
 */
export function backupsCheck(
  dataDir: string,
  extraDirs: readonly string[],
  now: number,
  database: string,
): DoctorCheck {
  const label = 'Backups';
  const dirs = [join(dataDir, 'backups'), ...extraDirs];
  const found = [...backupsIn(dataDir, true), ...dirs.flatMap((dir) => backupsIn(dir, false))];
  const howTo =
    `keep one of the whole store: margin backup --database "${database}" "${join(dataDir, 'backups', 'margin-<date>.sqlite')}" ` +
    `(the dashboard's Settings → Backup holds annotations only)`;
  if (found.length === 0) {
    return check('backups', label, 'warn', `none found in ${[dataDir, ...dirs].join(', ')}`, howTo);
  }
  const newest = found.reduce((a, b) => (b.modified > a.modified ? b : a));
  const age = now - newest.modified;
  const detail = `${found.length} found, the newest ${formatAge(age)} old: ${newest.path}`;
  return age > BACKUP_WARN_AGE_MS
    ? check('backups', label, 'warn', detail, howTo)
    : check('backups', label, 'ok', detail);
}
