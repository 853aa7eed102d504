/** Where in an input a problem is: the byte offset, and its line and column (both counted from 1). */
export interface InputPlace {
  byte: number;
  line: number;
  column: number;
}

/**
 * A problem with the input itself (not an export, a damaged ZIP, a JSON syntax error): it names the
 * file, the entry inside it and the place, in words a person can act on. Everything imported before
 * it stays stored.
 */
export class ImportError extends Error {
  override name = 'ImportError';

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly entry?: string,
    readonly place?: InputPlace,
  ) {
    super(describe(file, problem, entry, place));
  }
}

function describe(file: string, problem: string, entry?: string, place?: InputPlace): string {
  const where = entry === undefined || entry === '' ? file : `${file} → ${entry}`;
  const at = place ? ` at byte ${place.byte} (line ${place.line}, column ${place.column})` : '';
  return `${where}: ${problem}${at}`;
}

/** The message of anything thrown, for wrapping it into an ImportError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
