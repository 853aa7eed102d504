import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LATEST_VERSION } from '../storage/sqlite/migrations.ts';
import { check, type DoctorCheck, formatBytes } from './doctor-check.ts';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
/** Above this the WAL is worth a look: something holds a read open and the log cannot be folded back. */
const WAL_WARN_BYTES = 256 * 1024 * 1024;

/** What a file that is not SQLite looks like, from its first bytes, so the report can say "a PDF". */
function foreignKind(head: Buffer): string {
  const text = head.toString('latin1');
  if (text.startsWith('%PDF')) return 'a PDF document';
  if (text.startsWith('PK\u0003\u0004')) return 'a ZIP archive';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip file';
  if (/^\s*[[{]/.test(text)) return 'JSON text';
  if (/^[\t\n\r\u0020-\u007e]*$/.test(text)) return 'a text file';
  return 'a file of another program';
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(100);
    const read = readSync(fd, head, 0, 100, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

const restoreFix = (path: string) =>
  `stop the companion, then put back your last backup: margin restore <backup file> --database "${path}" (this file is kept aside), or ` +
  `start a fresh data directory and load a dashboard backup with: margin import margin-backup-….jsonl`;

const salvageFix = (path: string) =>
  `${restoreFix(path)}. Without a backup, salvage what is readable: sqlite3 "${path}" .recover | sqlite3 recovered.sqlite, ` +
  'then: margin doctor --database recovered.sqlite';

/** Every check of a SQLite store, reading it only (the file is opened read-only, never migrated). */
export function sqliteChecks(path: string): { checks: DoctorCheck[]; databaseBytes: number } {
  const checks: DoctorCheck[] = [];
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR, EACCES: the data directory line above says why.
    checks.push(check('sqlite.file', 'Database file', 'fail', `cannot read ${path}: ${(error as Error).message}`));
    return { checks, databaseBytes: 0 };
  }
  if (stat === undefined) {
    const orphanWal = existsSync(`${path}-wal`);
    checks.push(
      orphanWal
        ? check(
            'sqlite.file',
            'Database file',
            'fail',
            `${path} is missing but its write-ahead log ${path}-wal is there: the database was moved or deleted`,
            `put the database file back beside its -wal file, or ${restoreFix(path)}`,
          )
        : check('sqlite.file', 'Database file', 'warn', `${path} does not exist yet`, 'margin serve creates it'),
    );
    return { checks, databaseBytes: 0 };
  }
  if (!stat.isFile()) {
    checks.push(
      check(
        'sqlite.file',
        'Database file',
        'fail',
        `${path} is not a file`,
        'move it away, or point --database elsewhere',
      ),
    );
    return { checks, databaseBytes: 0 };
  }
  const head = readHead(path);
  if (head.length > 0 && head.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    checks.push(
      check(
        'sqlite.file',
        'Database file',
        'fail',
        `${path} is not a SQLite database: it looks like ${foreignKind(head)} (${formatBytes(stat.size)})`,
        `if it belongs to another program, point --data-dir or --database elsewhere; if it was your Margin database: ${restoreFix(path)}`,
      ),
    );
    return { checks, databaseBytes: stat.size };
  }
  const loose = (stat.mode & 0o077) !== 0;
  checks.push(
    check(
      'sqlite.file',
      'Database file',
      loose ? 'warn' : 'ok',
      `${path} (${formatBytes(stat.size)}${loose ? `, mode ${(stat.mode & 0o777).toString(8)}: readable by other users` : ''})`,
      loose ? `chmod 600 "${path}"` : undefined,
    ),
  );
  if (stat.size === 0) return { checks, databaseBytes: 0 };

  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    checks.push(
      check('sqlite.open', 'Opens', 'fail', `SQLite cannot open it: ${(error as Error).message}`, salvageFix(path)),
    );
    return { checks, databaseBytes: stat.size };
  }
  try {
    checks.push(...openedChecks(db, path));
  } finally {
    db.close();
  }
  return { checks, databaseBytes: stat.size };
}

function openedChecks(db: Database.Database, path: string): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  // Each step reads more of the file: the first that meets damage says so, and the rest are skipped.
  const step = (id: string, label: string, run: () => DoctorCheck): boolean => {
    try {
      const result = run();
      checks.push(result);
      return result.status !== 'fail';
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      checks.push(
        check(id, label, 'fail', `SQLite: ${message ?? String(error)}${code ? ` (${code})` : ''}`, salvageFix(path)),
      );
      return false;
    }
  };
  const ok =
    step('sqlite.schema', 'Schema version', () => schemaCheck(db, path)) &&
    step('sqlite.integrity', 'Integrity', () => integrityCheck(db, path)) &&
    step('sqlite.foreign-keys', 'Foreign keys', () => foreignKeyCheck(db, path));
  if (ok) step('sqlite.wal', 'Write-ahead log', () => walCheck(db, path));
  return checks;
}

function schemaCheck(db: Database.Database, path: string): DoctorCheck {
  const version = db.pragma('user_version', { simple: true }) as number;
  const label = 'Schema version';
  if (version > LATEST_VERSION) {
    return check(
      'sqlite.schema',
      label,
      'fail',
      `version ${version}, newer than this Margin understands (${LATEST_VERSION}): a newer Margin wrote it`,
      'upgrade Margin to the version that wrote it (or newer); this Margin refuses to open it, so nothing is damaged',
    );
  }
  const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
  if (version === 0 && tables > 0) {
    return check(
      'sqlite.schema',
      label,
      'fail',
      `a SQLite database with ${tables} tables but no Margin schema version: another program's database`,
      `point --data-dir or --database elsewhere; if it was your Margin database: ${restoreFix(path)}`,
    );
  }
  if (version < LATEST_VERSION) {
    return check(
      'sqlite.schema',
      label,
      'warn',
      `version ${version}; this Margin is at ${LATEST_VERSION} and upgrades it at the next start`,
      'keep a backup copy of the data directory from before the upgrade (an older Margin cannot open the upgraded store)',
    );
  }
  const annotations = db.prepare('SELECT count(*) FROM annotations WHERE deleted_at IS NULL').pluck().get() as number;
  return check('sqlite.schema', label, 'ok', `version ${version} (current), ${annotations} live annotations`);
}

function integrityCheck(db: Database.Database, path: string): DoctorCheck {
  const rows = db.pragma('integrity_check(20)', { simple: false }) as Array<{ integrity_check: string }>;
  const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
  if (problems.length === 0) return check('sqlite.integrity', 'Integrity', 'ok', 'PRAGMA integrity_check: ok');
  return check(
    'sqlite.integrity',
    'Integrity',
    'fail',
    `PRAGMA integrity_check found ${problems.length}${problems.length === 20 ? '+' : ''} problems, first: ${problems[0]}`,
    salvageFix(path),
  );
}

function foreignKeyCheck(db: Database.Database, path: string): DoctorCheck {
  const rows = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
  if (rows.length === 0) return check('sqlite.foreign-keys', 'Foreign keys', 'ok', 'PRAGMA foreign_key_check: ok');
  const first = rows[0] as { table: string; parent: string };
  return check(
    'sqlite.foreign-keys',
    'Foreign keys',
    'fail',
    `${rows.length} rows point at rows that are gone (first: ${first.table} → ${first.parent})`,
    `the data is readable but inconsistent: ${restoreFix(path)}; or keep it and tell the Margin maintainers which tables are named here`,
  );
}

function walCheck(db: Database.Database, path: string): DoctorCheck {
  const mode = db.pragma('journal_mode', { simple: true }) as string;
  const wal = statSync(`${path}-wal`, { throwIfNoEntry: false });
  const walBytes = wal?.size ?? 0;
  if (mode !== 'wal') {
    return check(
      'sqlite.wal',
      'Write-ahead log',
      'warn',
      `journal mode ${mode}, not wal: exports then block sync`,
      'margin serve switches it back to WAL when it opens the store',
    );
  }
  if (walBytes > WAL_WARN_BYTES) {
    return check(
      'sqlite.wal',
      'Write-ahead log',
      'warn',
      `${formatBytes(walBytes)} of changes not yet folded into the database`,
      'a long export or a stuck reader holds it open: let it finish, or restart the companion',
    );
  }
  return check(
    'sqlite.wal',
    'Write-ahead log',
    'ok',
    walBytes > 0
      ? `WAL mode, ${formatBytes(walBytes)} in the log (kept safe; folded in at the next checkpoint)`
      : 'WAL mode, log empty',
  );
}
