/**
 * Errors that mean "the disk holding the data is full": SQLite's SQLITE_FULL (its WAL or a temporary
 * file could not grow), the file system's ENOSPC / EDQUOT, PostgreSQL's disk_full (SQLSTATE 53100).
 * The transaction that met it rolled back, so nothing acknowledged is touched and nothing half-written
 * stays; once space is freed the next write succeeds without a restart.
 */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);

export function isDiskFull(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a client should wait before retrying a write the full disk refused. */
export const DISK_FULL_RETRY_AFTER_SECONDS = 30;
