import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { isCanonicalHash, versionHash, versionHashOf } from '../../companion/src/storage/version-hash.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { type Annotation, annotationSchema, comparisonSchema } from '../../shared/index.ts';
import { annotationArbitrary, seededRandom, shuffleKeysDeep } from '../support/annotation-arbitrary.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { pushBody, startTestServer } from './support/test-server.ts';

/** Fixed seeds: a failure names its counterexample and reruns the same way. */
const RUNS = { seed: 18_2, numRuns: 400 } as const;

/** What Margin 0.1 stored as a version's hash: the SHA-256 of the body as `JSON.stringify` wrote it. */
const legacyHash = (body: string) => createHash('sha256').update(body).digest('base64url');

type Path = (string | number)[];

/** Every place in a JSON value that holds a scalar, an empty array or an empty object. */
function leaves(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((item, index) => leaves(item, [...path, index]));
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0
      ? [path]
      : keys.flatMap((key) => leaves((value as Record<string, unknown>)[key], [...path, key]));
  }
  return [path];
}

function setAt<T>(value: T, path: Path, replacement: unknown): T {
  const copy = structuredClone(value);
  if (path.length === 0) return replacement as T;
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = replacement;
  return copy;
}

describe('a version hash is the hash of the canonical JSON', () => {
  it('the generator makes valid annotations (so the properties are about what the server stores)', () => {
    fc.assert(
      fc.property(annotationArbitrary, (annotation) => {
        const parsed = annotationSchema.safeParse(annotation);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }),
      RUNS,
    );
  });

  it('any order of the keys, at any depth, of any valid annotation hashes the same, before and after validation', () => {
    fc.assert(
      fc.property(annotationArbitrary, fc.integer(), (annotation, seed) => {
        const shuffled = shuffleKeysDeep(annotation, seededRandom(seed));
        expect(versionHashOf(shuffled)).toBe(versionHashOf(annotation));
        // What the push path hashes: the record as the schema hands it back (metadata in arrival order).
        expect(versionHashOf(annotationSchema.parse(shuffled))).toBe(versionHashOf(annotation));
        expect(versionHash(JSON.stringify(shuffled))).toBe(versionHashOf(annotation));
      }),
      RUNS,
    );
  });

  it('any change of any value hashes differently', () => {
    fc.assert(
      fc.property(annotationArbitrary, fc.nat(), fc.jsonValue({ maxDepth: 2 }), (annotation, pick, replacement) => {
        const all = leaves(annotation);
        const path = all[pick % all.length] as Path;
        const before = path.reduce<unknown>((value, step) => (value as Record<string, unknown>)[step], annotation);
        fc.pre(canonicalJson(before) !== canonicalJson(replacement));
        expect(versionHashOf(setAt(annotation, path, replacement))).not.toBe(versionHashOf(annotation));
      }),
      RUNS,
    );
  });

  it('a key added, a key removed, or two items of a list swapped hashes differently', () => {
    fc.assert(
      fc.property(annotationArbitrary, fc.string({ minLength: 1, maxLength: 8 }), (annotation, key) => {
        fc.pre(!Object.hasOwn(annotation.metadata, key));
        const hash = versionHashOf(annotation);
        expect(versionHashOf({ ...annotation, metadata: { ...annotation.metadata, [key]: null } })).not.toBe(hash);
        const { response: _gone, ...without } = annotation;
        expect(versionHashOf(without)).not.toBe(hash);
        const [first, second] = annotation.context;
        if (first && second && canonicalJson(first) !== canonicalJson(second)) {
          expect(versionHashOf({ ...annotation, context: [second, first, ...annotation.context.slice(2)] })).not.toBe(
            hash,
          );
        }
      }),
      RUNS,
    );
  });

  it('sorts keys by UTF-16 code units at every depth, as RFC 8785 does, and writes JSON.stringify’s strings and numbers', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: { '\u20ac': 1, '\r': 2, '1': 3, '😀': 4, ﬀ: 5 } })).toBe(
      '{"a":{"\\r":2,"1":3,"€":1,"😀":4,"ﬀ":5},"b":[{"a":2,"z":1}]}',
    );
    expect(canonicalJson({ n: 1e21, m: -0, s: '\u2028"\\', u: undefined })).toBe(
      '{"m":0,"n":1e+21,"s":"\u2028\\"\\\\"}',
    );
    expect(isCanonicalHash(versionHashOf({}))).toBe(true);
  });
});

let dir: { path: string; remove: () => Promise<void> };
let store: SqliteStore;
beforeEach(async () => {
  dir = await makeTempDir('version-hash');
  store = openSqliteStore(`${dir.path}/margin.sqlite`);
});
afterEach(async () => {
  store.close();
  await dir.remove();
});

const push = (annotations: Annotation[], deviceId = 'device-a', comparisons: unknown[] = []) =>
  store.applyChanges({
    deviceId,
    receivedAt: new Date().toISOString(),
    annotations: annotations.map((annotation) => annotationSchema.parse(annotation)),
    comparisons: comparisons.map((comparison) => comparisonSchema.parse(comparison)),
  });
const historyRows = () => store.database.prepare('SELECT count(*) FROM history').pluck().get();

describe('the store names a version by its canonical hash', () => {
  it('a replay with the metadata keys in any other order is `unchanged`, for any valid annotation', async () => {
    await fc.assert(
      fc.asyncProperty(annotationArbitrary, fc.integer(), async (generated, seed) => {
        const annotation = { ...generated, id: randomUUID() };
        const first = await push([annotation]);
        expect(first.annotations[0]?.status).toBe('accepted');
        const replay = await push([shuffleKeysDeep(annotation, seededRandom(seed))]);
        expect(replay.annotations[0]).toEqual({ status: 'unchanged', seq: first.annotations[0]?.seq });
      }),
      { seed: RUNS.seed, numRuns: 150 },
    );
    expect(historyRows()).toBe(0);
  });

  it('over HTTP: the same annotation with its metadata in another order is `unchanged` and history does not grow', async () => {
    const server = await startTestServer();
    try {
      const annotation = makeAnnotation({
        metadata: { trace_id: 't-1', 'capture.partial': true, 'capture.images': 2 },
      });
      const reordered = { ...annotation, metadata: { 'capture.images': 2, trace_id: 't-1', 'capture.partial': true } };
      const first = await server.push(pushBody([annotation]));
      const again = await server.push(pushBody([reordered]));
      expect(first.json()).toMatchObject({ annotations: [{ status: 'accepted', seq: 1 }] });
      expect(again.json()).toMatchObject({ annotations: [{ status: 'unchanged', seq: 1 }], checkpoint: 1 });
      expect(await server.countRows('history')).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('hashes stored before the hash was canonical (Margin 0.1)', () => {
  /** Gives every stored version the hash 0.1 gave it, as a database written by 0.1 holds. */
  function makeLegacy(): void {
    const db = store.database;
    for (const table of ['annotations', 'comparisons', 'history']) {
      const rows = db.prepare(`SELECT rowid, body FROM ${table}`).all() as { rowid: number; body: string }[];
      for (const row of rows)
        db.prepare(`UPDATE ${table} SET hash = ? WHERE rowid = ?`).run(legacyHash(row.body), row.rowid);
    }
  }
  const hashes = (table: string) =>
    store.database.prepare(`SELECT hash FROM ${table} ORDER BY rowid`).pluck().all() as string[];

  it('a replay of a stored version is still `unchanged`, in any key order, and its hash becomes canonical', async () => {
    const annotation = makeAnnotation({ metadata: { b: 1, a: 2 } });
    const comparison = {
      schemaVersion: 1,
      id: randomUUID(),
      a: annotation.id,
      b: randomUUID(),
      winner: 'a',
      annotator: 'ada',
      createdAt: annotation.createdAt,
      updatedAt: annotation.updatedAt,
      deletedAt: null,
      revision: 1,
    };
    await push([annotation], 'device-a', [comparison]);
    makeLegacy();
    expect(hashes('annotations').every(isCanonicalHash)).toBe(false);

    const replay = await push([{ ...annotation, metadata: { a: 2, b: 1 } }], 'device-a', [
      shuffleKeysDeep(comparison, seededRandom(7)),
    ]);
    expect(replay.annotations[0]).toEqual({ status: 'unchanged', seq: 1 });
    expect(replay.comparisons[0]).toEqual({ status: 'unchanged', seq: 2 });
    expect(hashes('annotations')).toEqual([versionHashOf(annotation)]);
    expect(hashes('comparisons')).toEqual([versionHashOf(comparison)]);
    expect(historyRows()).toBe(0);
  });

  it('a replayed history version is not archived twice, two 0.1 copies of one version become one, and edits still win', async () => {
    const v1 = makeAnnotation({ metadata: { x: 1, y: 2 }, revision: 1 });
    const v2 = { ...v1, comment: 'better', revision: 2, updatedAt: '2026-11-01T11:00:00.000Z' };
    await push([v1]);
    await push([v2]);
    expect(historyRows()).toBe(1);
    // 0.1 archived the same version twice when its metadata came in two orders.
    const reordered = annotationSchema.parse({ ...v1, metadata: { y: 2, x: 1 } });
    store.database
      .prepare(
        `INSERT INTO history (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
         SELECT kind, id, 'other', revision, updated_at, deleted_at, device_id, received_at, superseded_at, ? FROM history`,
      )
      .run(JSON.stringify(reordered));
    makeLegacy();
    expect(historyRows()).toBe(2);

    const replayOld = await push([{ ...v1, metadata: { y: 2, x: 1 } }]);
    expect(replayOld.annotations[0]).toMatchObject({ status: 'superseded', seq: 2, current: v2 });
    expect(historyRows()).toBe(1);
    expect(hashes('history')).toEqual([versionHashOf(v1)]);
    expect((await push([v2])).annotations[0]).toEqual({ status: 'unchanged', seq: 2 });

    const v3 = { ...v2, comment: 'best', revision: 3, updatedAt: '2026-11-01T12:00:00.000Z' };
    expect((await push([v3])).annotations[0]).toEqual({ status: 'accepted', seq: 3 });
    expect(hashes('history').sort()).toEqual([versionHashOf(v1), versionHashOf(v2)].sort());
    expect(hashes('annotations')).toEqual([versionHashOf(v3)]);
  });

  it('an upgrade rewrites nothing up front: a record never written again keeps its body, sequence number and old hash', async () => {
    const annotations = [makeAnnotation(), makeAnnotation()];
    await push(annotations);
    makeLegacy();
    const before = store.database.prepare('SELECT seq, hash, body FROM annotations ORDER BY seq').all();
    store.close();
    store = openSqliteStore(`${dir.path}/margin.sqlite`);
    expect(store.database.prepare('SELECT seq, hash, body FROM annotations ORDER BY seq').all()).toEqual(before);
    const page = await store.changesSince(0, 10);
    expect(page.annotations).toEqual(annotations);
  });
});
