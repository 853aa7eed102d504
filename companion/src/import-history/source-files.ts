import { createHash } from 'node:crypto';
import type { ExportEntry, ExportInput } from './export-input.ts';
import { streamJsonElements } from './json-stream.ts';

/** What every source reader gets: the input, and a way to report bytes read (the progress bar). */
export interface ReadOptions {
  onBytes?: (bytes: number) => void;
}

/** The entries of the input (then the siblings of a single file) whose path matches `pattern`. */
export function findEntries(input: ExportInput, pattern: RegExp): ExportEntry[] {
  const inside = input.entries.filter((entry) => pattern.test(entry.name));
  return inside.length > 0 ? inside : input.siblings.filter((entry) => pattern.test(entry.name));
}

/** The total size of some entries: a reader's `total` event. */
export function totalOf(entries: readonly ExportEntry[]): { kind: 'total'; bytes: number } {
  return { kind: 'total', bytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
}

/** Streams the elements of one JSON entry (see json-stream.ts). */
export async function* entryElements(
  input: ExportInput,
  entry: ExportEntry,
  objectPath: string | ((firstKey: string | null) => string),
  options: ReadOptions,
): AsyncGenerator<unknown> {
  const stream = await entry.open();
  try {
    yield* streamJsonElements(stream, {
      file: input.label,
      entry: input.kind === 'file' && input.entries[0] === entry ? '' : entry.name,
      objectPath,
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    });
  } finally {
    stream.destroy();
  }
}

/**
 * For an export that may be one object, or `{ "<key>": [...] }`: stream the list's elements when it
 * starts with that key, else take the object whole (see `unwrapped`).
 */
export const listOrObject = (key: string) => (firstKey: string | null) => (firstKey === key ? `$.${key}.*` : '$');

/** The elements of a value read whole: its `<key>` list when it has one, else the value itself. */
export function unwrapped(value: unknown, key: string): unknown[] {
  const list = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return Array.isArray(list) ? list : [value];
}

/** A short, stable digest of some JSON values: how a conversation's content is recognized again. */
export function fingerprint(...values: unknown[]): string {
  const hash = createHash('sha256');
  for (const value of values) hash.update(JSON.stringify(value) ?? 'undefined').update('\u0000');
  return hash.digest('base64url').slice(0, 32);
}

/** Numbered shards in number order (`conversations-2.json` before `conversations-10.json`). */
export function byShardNumber(a: ExportEntry, b: ExportEntry): number {
  const number = (entry: ExportEntry) => Number(/-(\d+)\.json$/i.exec(entry.name)?.[1] ?? -1);
  return number(a) - number(b) || a.name.localeCompare(b.name);
}
