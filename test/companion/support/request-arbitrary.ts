import fc from 'fast-check';
import type { RouteContract } from '../../../shared/index.ts';
import type { Sample } from './route-samples.ts';

/** One generated request: what the fuzz test sends, and what it says about it when it fails. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Whose token goes with it: the pairing token (the owner, an admin), a user of each role, none, or an unknown one. */
  token: FuzzToken;
}

export const FUZZ_TOKENS = ['owner', 'admin', 'annotator', 'viewer', 'none', 'wrong'] as const;
export type FuzzToken = (typeof FUZZ_TOKENS)[number];

type JsonPath = (string | number)[];

/** Every place in a JSON value that holds a scalar, an empty array or an empty object. */
export function jsonLeaves(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((item, index) => jsonLeaves(item, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([key, item]) => jsonLeaves(item, [...path, key]));
  }
  return [path];
}

/** A copy of `value` with the value at `path` replaced (or, with `undefined`, its key removed). */
export function withValueAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  if (copy === null || typeof copy !== 'object') return copy;
  let parent = copy;
  for (const step of path.slice(0, -1)) {
    const next = parent[step];
    // An earlier change replaced what this path went through: nothing left to change there.
    if (next === null || typeof next !== 'object') return copy;
    parent = next as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/** Strings that break parsers, paths and SQL: escapes, controls, huge numbers, encodings, injections. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
  'NaN',
  'null',
  'true',
  '%',
  '%E0%A4%A',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '\u0000',
  '\uD800',
  '😀',
  'a'.repeat(5000),
  '__proto__',
  'constructor',
);
const scalarText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 10 }), nasty);
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nasty,
  fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
);

/** One or two leaves of `base` changed (another type, a value out of range, removed), maybe a key added. */
function mutatedArbitrary(base: unknown): fc.Arbitrary<string> {
  const leaves = jsonLeaves(base);
  return fc
    .array(fc.tuple(fc.nat(), fc.oneof(anyJson, fc.constant(undefined)), fc.option(fc.string({ maxLength: 12 }))), {
      minLength: 1,
      maxLength: 2,
    })
    .map((changes) => {
      let value: unknown = base;
      for (const [pick, replacement, extraKey] of changes) {
        const path = leaves[pick % leaves.length] as JsonPath;
        value = extraKey !== null ? withValueAt(value, [...path.slice(0, -1), extraKey], replacement ?? null) : value;
        value = withValueAt(value, path, replacement);
      }
      return JSON.stringify(value ?? null);
    });
}

/**
 * Near-valid: the route's own sample, or a value generated from the route's body schema
 * (`fromSchema`, test/companion/support/schema-arbitrary.ts), as is or with one or two leaves changed;
 * or the body replaced by any JSON at all. Most of what a fuzzer should try is one step from valid,
 * where validation has the most to get right.
 */
function bodyArbitrary(sample: unknown, fromSchema?: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> {
  const base = sample ?? {};
  const mutated = fromSchema
    ? fc.oneof(
        mutatedArbitrary(base),
        fromSchema.chain((value) => mutatedArbitrary(value ?? {})),
      )
    : mutatedArbitrary(base);
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(base)) },
    ...(fromSchema ? [{ weight: 3, arbitrary: fromSchema.map((value) => JSON.stringify(value ?? null)) }] : []),
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value ?? null)) },
    { weight: 1, arbitrary: fc.oneof(scalarText, fc.constantFrom('{', '[1,', '{"a":}', '\uFEFF{}')) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function queryArbitrary(sample: Record<string, string>, values: Record<string, fc.Arbitrary<string>>) {
  const keys = Object.keys(sample);
  const value = (key: string) => (Object.hasOwn(values, key) ? (values[key] as fc.Arbitrary<string>) : scalarText);
  const changed = fc.tuple(fc.nat(), fc.option(fc.string({ maxLength: 10 }))).chain(([pick, extraKey]) => {
    const key = keys.length === 0 ? (extraKey ?? 'q') : (keys[pick % keys.length] as string);
    return value(key).map((text) => ({ ...sample, [key]: text, ...(extraKey ? { [extraKey]: 'x' } : {}) }));
  });
  return fc.oneof(
    { weight: 3, arbitrary: changed },
    { weight: 1, arbitrary: fc.constant(sample) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalarText, { maxKeys: 3 }) },
  );
}

/** A path parameter: the sample's (so the route is reached), another id, or any text, encoded or raw. */
const paramArbitrary = (sample: string) =>
  fc.oneof(
    fc.constant(encodeURIComponent(sample)),
    fc.uuid().map(encodeURIComponent),
    scalarText.map((text) => encodeURIComponent(wellFormed(text)) || 'x'),
    fc.constantFrom('%E0%A4%A', '%', '%ZZ', '..', '%2F', '%2e%2e', 'a%00b'),
  );

/** For the dashboard's files: any path outside /api/, and a few inside it. */
const filePathArbitrary = fc.oneof(
  fc.constantFrom('/', '/index.html', '/assets/x.js', '/%E0', '/..%2F..%2Fetc%2Fpasswd', '/api/v1/%ZZ', '//'),
  fc
    .array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 })
    .map((parts) => `/${parts.map((part) => encodeURIComponent(part.replace(/[\uD800-\uDFFF]/g, 'x'))).join('/')}`),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

/** Lone surrogates replaced (String.prototype.toWellFormed, which the ES2022 lib does not declare). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** A query string as a client would encode it (lone surrogates made well-formed, or encoding throws). */
function encodeQuery(query: Record<string, string>): string {
  const encode = (text: string) => encodeURIComponent(wellFormed(text));
  const pairs = Object.entries(query).map(([key, value]) => `${encode(key)}=${encode(value)}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** Raw query text no client encoder writes: broken escapes, a bare key, repeated keys. */
const rawQueryTail = fc.constantFrom('', '', '', '', '&%E0%A4%A=%ZZ', '&since', '&since=1&since=2', '&a[b]=1', '&=x');

/**
 * Requests for one route of the table, derived from its sample (test/companion/support/route-samples.ts)
 * and, given `bodies` (values generated from the route's body schema), from its schema.
 * `queryValues` pins a query key to given values (the long poll's `wait`, so no request waits).
 */
export function requestArbitrary(
  route: RouteContract,
  sample: Sample,
  queryValues: Record<string, fc.Arbitrary<string>> = {},
  bodies?: fc.Arbitrary<unknown>,
): fc.Arbitrary<FuzzRequest> {
  const names = route.path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
  const params = fc.record(
    Object.fromEntries(names.map((name) => [name, paramArbitrary(sample.params?.[name] ?? 'x')])),
  ) as fc.Arbitrary<Record<string, string>>;
  const takesBody = route.method === 'POST' || route.method === 'PATCH';
  return fc
    .record({
      params,
      filePath: filePathArbitrary,
      query: queryArbitrary((sample.query ?? {}) as Record<string, string>, queryValues),
      body: takesBody ? bodyArbitrary(sample.body, bodies) : fc.constant(undefined),
      contentType,
      tail: rawQueryTail,
      // Mostly tokens that name a caller, so most requests get past the token check to the role and the route.
      token: fc.constantFrom<FuzzToken>(
        'owner',
        'owner',
        'admin',
        'annotator',
        'annotator',
        'viewer',
        'viewer',
        'none',
        'wrong',
      ),
    })
    .map(({ params: values, filePath, query, tail, body, contentType: type, token }) => {
      // Parameters are already encoded (or deliberately broken): put them in the path as they are.
      const path = route.path.includes('{')
        ? filePath
        : route.path
            .split('/')
            .map((segment) => (segment.startsWith(':') ? (values[segment.slice(1)] as string) : segment))
            .join('/');
      const headers: Record<string, string> = { ...sample.headers };
      if (body !== undefined && type !== undefined) headers['content-type'] = type;
      return {
        method: route.method,
        path: `${path}${encodeQuery(query) || (tail ? '?' : '')}${tail}`,
        headers,
        ...(body === undefined ? {} : { body }),
        token,
      };
    });
}
