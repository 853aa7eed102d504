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

// The sync push writes this for every incoming record (docs/benchmarks.md, "Where the time goes"): the
// text is built by appending to one string, with no array of parts per object or list, which made it a
// third slower and added to the garbage collector's work.
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      out += write(value[index]) ?? 'null';
    }
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  // The default sort compares UTF-16 code units, JCS's order.
  for (const key of Object.keys(value).sort()) {
    const item = write((value as Record<string, unknown>)[key]);
    if (item === undefined) continue;
    out += first ? JSON.stringify(key) : `,${JSON.stringify(key)}`;
    out += `:${item}`;
    first = false;
  }
  return `${out}}`;
}
