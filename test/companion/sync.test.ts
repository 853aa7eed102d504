import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { compareVersions, type VersionKey } from '../../companion/src/sync/conflict-rule.ts';
import {
  type Annotation,
  type Comparison,
  type SyncPullResponse,
  type SyncPushResponse,
  syncPullResponseSchema,
  syncPushResponseSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { collect } from '../support/collect.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

function makeComparison(a: string, b: string, overrides: Partial<Comparison> = {}): Comparison {
  return {
    schemaVersion: 1,
    id: `cmp-${a}-${b}`,
    a,
    b,
    winner: 'a',
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...overrides,
  };
}

describe.each(STORE_KINDS)('sync over HTTP (%s)', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ store: kind });
  });
  afterEach(() => server.close());

  async function push(annotations: unknown[], deviceId = 'device-a', comparisons: unknown[] = []) {
    const response = await server.push(pushBody(annotations, deviceId, comparisons));
    expect(response.status, response.text).toBe(200);
    return syncPushResponseSchema.parse(response.json());
  }
  async function pull(since = 0, limit = 1000): Promise<SyncPullResponse> {
    const response = await server.send({ path: `/api/v1/sync/pull?since=${since}&limit=${limit}` });
    expect(response.status, response.text).toBe(200);
    return syncPullResponseSchema.parse(response.json());
  }

  it('gives each accepted change a growing sequence number, and a replayed batch changes nothing', async () => {
    const batch = [makeAnnotation(), makeAnnotation(), makeAnnotation()];
    const first = await push(batch);
    expect(first.annotations.map((result) => [result.status, result.seq])).toEqual([
      ['accepted', 1],
      ['accepted', 2],
      ['accepted', 3],
    ]);
    expect(first.checkpoint).toBe(3);
    for (let replay = 0; replay < 3; replay++) {
      const again = await push(batch);
      expect(again.annotations.map((result) => [result.status, result.seq])).toEqual([
        ['unchanged', 1],
        ['unchanged', 2],
        ['unchanged', 3],
      ]);
      expect(again.checkpoint).toBe(3);
    }
    expect(await server.countRows('annotations')).toBe(3);
    expect(await server.countRows('history')).toBe(0);
    const edited = { ...(batch[1] as Annotation), score: 10, revision: 2, updatedAt: '2026-11-02T10:00:00.000Z' };
    const edit = await push([edited]);
    expect(edit.annotations[0]).toMatchObject({ status: 'accepted', seq: 4 });
    // The replaced version is kept in history, and the feed now lists the record once, at its new seq.
    expect(await server.countRows('history')).toBe(1);
    const page = await pull(0);
    expect(page.annotations.map((annotation) => annotation.id)).toEqual([batch[0]?.id, batch[2]?.id, edited.id]);
    expect(page.checkpoint).toBe(4);
  });

  it('resolves conflicts by revision, then updatedAt, then annotator/device, whatever the arrival order', async () => {
    const base = makeAnnotation();
    const v = (overrides: Partial<Annotation>) => ({ ...base, ...overrides });
    const revision3 = v({ revision: 3, score: 30, updatedAt: '2026-11-01T10:00:00.000Z' });
    const revision2Later = v({ revision: 2, score: 20, updatedAt: '2026-12-01T10:00:00.000Z' });
    // Same revision: the later instant wins even though its string sorts lower (-02:00 offset).
    const revision4Early = v({ revision: 4, score: 41, updatedAt: '2026-11-05T11:00:00.000Z' });
    const revision4Late = v({ revision: 4, score: 42, updatedAt: '2026-11-05T10:30:00.000-02:00' });

    expect((await push([revision2Later])).annotations[0]?.status).toBe('accepted');
    expect((await push([revision3], 'device-b')).annotations[0]?.status).toBe('accepted');
    const stale = await push([revision2Later], 'device-c');
    expect(stale.annotations[0]?.status).toBe('superseded');
    expect(stale.annotations[0]?.current).toEqual(revision3);
    expect((await push([revision4Late])).annotations[0]?.status).toBe('accepted');
    const earlier = await push([revision4Early], 'device-z');
    expect(earlier.annotations[0]).toMatchObject({ status: 'superseded', current: { score: 42 } });

    // Everything that lost is in history, nothing silently dropped: revision 2, 3 and the early 4.
    expect(await server.countRows('history')).toBe(3);
    const page = await pull();
    expect(page.annotations).toHaveLength(1);
    expect(page.annotations[0]?.score).toBe(42);
  });

  it('two devices pushing the same tie converge on the same winner in either order', async () => {
    const base = makeAnnotation();
    const fromA = { ...base, score: 1 };
    const fromB = { ...base, score: 2 };
    await push([fromA], 'device-a');
    const second = await push([fromB], 'device-b');
    expect(second.annotations[0]?.status).toBe('accepted'); // device-b > device-a
    await server.close();
    server = await startTestServer({ store: kind });
    await push([fromB], 'device-b');
    expect((await push([fromA], 'device-a')).annotations[0]?.status).toBe('superseded');
    expect((await pull()).annotations[0]?.score).toBe(2);
  });

  it('keeps deletes: a tombstone is never replaced by a live version, whatever its revision', async () => {
    const annotation = makeAnnotation();
    await push([annotation]);
    const tombstone = { ...annotation, revision: 2, deletedAt: '2026-11-02T00:00:00.000Z' };
    expect((await push([tombstone])).annotations[0]?.status).toBe('accepted');
    const resurrect = { ...annotation, revision: 9, score: 5, updatedAt: '2027-01-01T00:00:00.000Z' };
    const result = await push([resurrect], 'device-b');
    expect(result.annotations[0]).toMatchObject({ status: 'superseded', current: { deletedAt: tombstone.deletedAt } });
    // The original's replay cannot bring it back either.
    expect((await push([annotation])).annotations[0]?.status).toBe('superseded');
    const page = await pull();
    expect(page.annotations).toEqual([tombstone]);
    // The original (replaced by the tombstone) and the attempted resurrection; the replay was already there.
    expect(await server.countRows('history')).toBe(2);
  });

  it('pulls by checkpoint in pages, so a second device receives what the first pushed, comparisons included', async () => {
    const annotations = Array.from({ length: 7 }, () => makeAnnotation());
    const comparison = makeComparison(annotations[0]?.id as string, annotations[1]?.id as string);
    await push(annotations.slice(0, 4), 'device-a');
    await push(annotations.slice(4), 'device-a', [comparison]);
    const received: Annotation[] = [];
    const comparisons: Comparison[] = [];
    let since = 0;
    let pages = 0;
    for (;;) {
      const page = await pull(since, 3);
      received.push(...page.annotations);
      comparisons.push(...page.comparisons);
      expect(page.checkpoint).toBeGreaterThanOrEqual(since);
      since = page.checkpoint;
      pages += 1;
      if (!page.hasMore) break;
    }
    expect(pages).toBe(3);
    expect(received).toEqual(annotations);
    expect(comparisons).toEqual([comparison]);
    expect(since).toBe(8);
    const empty = await pull(since, 3);
    expect(empty).toEqual({ annotations: [], comparisons: [], checkpoint: 8, hasMore: false });

    // A later edit shows up past the checkpoint.
    const edited = { ...(annotations[2] as Annotation), revision: 2, comment: 'changed elsewhere' };
    await push([edited], 'device-b');
    const next = await pull(since);
    expect(next.annotations).toEqual([edited]);
    expect(next.checkpoint).toBe(9);
  });

  it('reports per-record results for comparisons, and counts devices and history in stats', async () => {
    const comparison = makeComparison('x', 'y');
    const invalid = { ...makeComparison('x', 'x'), id: 'cmp-same' };
    const response: SyncPushResponse = await push([], 'device-a', [comparison, invalid]);
    expect(response.comparisons.map((result) => result.status)).toEqual(['accepted', 'rejected']);
    expect(response.comparisons[1]?.issues?.[0]?.path).toBe('b');
    await push([makeAnnotation()], 'device-b');
    const stats = (await server.send({ path: '/api/v1/stats' })).json();
    expect(stats).toEqual({
      annotations: { live: 1, deleted: 0 },
      comparisons: { live: 1, deleted: 0 },
      history: 0,
      devices: 2,
      checkpoint: 2,
    });
  });
});

describe('the conflict rule', () => {
  it('breaks full ties by annotator, then device id', () => {
    const key = (overrides: Partial<VersionKey>): VersionKey => ({
      deleted: false,
      revision: 1,
      updatedAtMs: 0,
      annotator: 'ada',
      deviceId: 'a',
      hash: 'h',
      ...overrides,
    });
    expect(compareVersions(key({ annotator: 'bob' }), key({ annotator: 'ada', deviceId: 'z' }))).toBeGreaterThan(0);
    expect(compareVersions(key({ deviceId: 'b' }), key({ deviceId: 'a', hash: 'z' }))).toBeGreaterThan(0);
    expect(compareVersions(key({ hash: 'b' }), key({ hash: 'a' }))).toBeGreaterThan(0);
    expect(compareVersions(key({ revision: 2 }), key({ revision: 1, updatedAtMs: 10 }))).toBeGreaterThan(0);
    expect(compareVersions(key({ deleted: true }), key({ revision: 99 }))).toBeGreaterThan(0);
    expect(compareVersions(key({}), key({}))).toBe(0);
  });
});

describe('SqliteStore', () => {
  it('uses WAL with synchronous=FULL so an acknowledged write survives a crash and a power loss', async () => {
    const dir = await makeTempDir('store');
    const store = openSqliteStore(`${dir.path}/margin.sqlite`);
    try {
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      store.close();
      await dir.remove();
    }
  });
});

describe.each(STORE_KINDS)('the sync store (%s)', (kind) => {
  let stores: Stores;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ stores, remove } = await openTestStores(kind));
  });
  afterEach(() => remove());

  const apply = (annotations: Annotation[]) =>
    stores.sync.applyChanges({ deviceId: 'd', receivedAt: new Date().toISOString(), annotations, comparisons: [] });

  it('streams current versions in sequence order, tombstones only when asked, while writes go on', async () => {
    const annotations = Array.from({ length: 5 }, () => makeAnnotation());
    await apply(annotations);
    await apply([{ ...(annotations[1] as Annotation), revision: 2, deletedAt: '2026-11-03T00:00:00.000Z' }]);
    const iterator = stores.sync.iterateAnnotations();
    const first = await iterator.next();
    expect(first.value).toEqual(annotations[0]);
    // A write while the export iterates does not fail (a reader or cursor of its own), nor change its snapshot.
    await apply([makeAnnotation()]);
    const rest = await collect(iterator);
    expect(rest.map((annotation) => annotation.id)).toEqual(
      [annotations[2], annotations[3], annotations[4]].map((a) => a?.id),
    );
    expect(await collect(stores.sync.iterateAnnotations({ includeDeleted: true }))).toHaveLength(6);
    expect(await collect(stores.sync.iterateComparisons())).toEqual([]);
  });

  it('hands out the same annotations a page at a time, in the same order, and lets go when left early', async () => {
    const annotations = Array.from({ length: 600 }, () => makeAnnotation());
    await apply(annotations);
    for (const order of ['sequence', 'conversation'] as const) {
      const pages = await collect(stores.sync.iterateAnnotationPages({ order }));
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) expect(page.length).toBeGreaterThan(0);
      expect(pages.flat()).toEqual(await collect(stores.sync.iterateAnnotations({ order })));
    }
    expect((await collect(stores.sync.iterateAnnotationPages())).flat().map((a) => a.id)).toEqual(
      annotations.map((a) => a.id),
    );
    for await (const page of stores.sync.iterateAnnotationPages()) {
      expect(page[0]).toEqual(annotations[0]);
      break; // releases the reader (SQLite) or the cursor's connection (PostgreSQL)
    }
    await apply([makeAnnotation()]);
    expect((await collect(stores.sync.iterateAnnotationPages())).flat()).toHaveLength(601);
  });

  it('hands out every character of a body as stored: backslashes, control characters, quotes, astral', async () => {
    // PostgreSQL reads with COPY's text format, which escapes backslashes and control characters.
    const odd = 'back\\slash \\n \n new line\ttab\r\u0001\u000b\b\f "quoted" é 😀 \\\\N';
    const annotations = Array.from({ length: 300 }, (_, i) => ({ ...makeAnnotation(), comment: `${i} ${odd}` }));
    await apply(annotations);
    for (const order of ['sequence', 'conversation'] as const) {
      const read = (await collect(stores.sync.iterateAnnotationPages({ order }))).flat();
      expect(read.map((a) => a.comment).sort()).toEqual(annotations.map((a) => a.comment).sort());
    }
  });

  it('rolls a batch back completely when any write fails', async () => {
    const good = makeAnnotation();
    const broken = { ...makeAnnotation(), updatedAt: null } as unknown as Annotation;
    await expect(apply([good, broken])).rejects.toThrow();
    expect(await stores.sync.checkpoint()).toBe(0);
    expect(await collect(stores.sync.iterateAnnotations())).toEqual([]);
  });
});
