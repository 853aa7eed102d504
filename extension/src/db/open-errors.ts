/** This profile's database was upgraded by a newer Margin than the one opening it. */
export class NewerDatabaseError extends Error {
  override name = 'NewerDatabaseError';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `Your annotations were saved by a newer version of Margin (database version ${found}; this Margin knows up ` +
        `to version ${known}). Update Margin to read them; nothing was changed or deleted.`,
    );
  }
}

/**
 * Words for a database that would not open. The one a person can meet: their profile's IndexedDB was
 * last opened by a newer Margin (an older build loaded again). AppDB refuses it before any read or
 * write (Dexie 4 itself would open it), so every record is as it was; this says so, and what to do.
 */
export function databaseErrorText(error: unknown): string {
  const newer = findError(error, 'NewerDatabaseError');
  if (newer) return newer.message;
  return error instanceof Error ? error.message : String(error);
}

/** The error, or the one Dexie wrapped it in (an open failure reaches a query as its `inner`). */
function findError(error: unknown, name: string): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; depth++) {
    if (current.name === name) return current;
    current = (current as { inner?: unknown }).inner;
  }
  return undefined;
}
