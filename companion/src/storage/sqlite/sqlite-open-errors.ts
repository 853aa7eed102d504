/**
 * A file that is not a SQLite database, or one SQLite finds damaged, is never replaced or repaired in
 * place: the error says what is wrong with which file and how to get the data back.
 */
export function explainOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') {
    return new Error(
      `${path} is not a Margin database (SQLite: ${(error as Error).message}). Margin left it untouched. ` +
        'If it belongs to another program, point --database or --data-dir elsewhere; if it was your Margin ' +
        'database, it is damaged: restore it from your last backup of the data directory. ' +
        `For a full report and the way back: margin doctor --database "${path}"`,
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_CORRUPT_VTAB') {
    return new Error(
      `${path} is damaged (SQLite: ${(error as Error).message}). Margin left it untouched. Restore it from ` +
        'your last backup of the data directory, or salvage what is readable with the sqlite3 tool: ' +
        `sqlite3 "${path}" .recover | sqlite3 recovered.sqlite, then check it with: margin doctor --database recovered.sqlite. ` +
        `For a full report: margin doctor --database "${path}"`,
    );
  }
  return error;
}
