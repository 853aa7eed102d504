/**
 * The canonical JSON of a value: every object's keys sorted at every depth (by UTF-16 code units, as
 * RFC 8785, JCS, sorts them), arrays in their own order, no whitespace, strings and numbers as
 * `JSON.stringify` writes them (which is what JCS prescribes). Two values that hold the same data give
 * the same text whatever order their keys came in, so it can name a version (docs/sync-protocol.md,
 * "Idempotence"). Like `JSON.stringify`, an object key whose value is undefined is left out and an
 * undefined array item is written `null`.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  // The default sort compares UTF-16 code units, JCS's order.
  for (const key of Object.keys(value).sort()) {
    const item = write((value as Record<string, unknown>)[key]);
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}
