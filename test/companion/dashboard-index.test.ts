import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardStore } from '../../companion/src/storage/dashboard-store.ts';
import { tsQuery } from '../../companion/src/storage/search-terms.ts';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { ftsQuery, SqliteDashboard } from '../../companion/src/storage/sqlite/sqlite-dashboard.ts';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import type { SyncStore } from '../../companion/src/storage/store.ts';
import { passesFilters } from '../../shared/export/rules.ts';
import {
  type Annotation,
  type AnnotationFilters,
  type AnnotationListQuery,
  annotationFiltersSchema,
  annotationListQuerySchema,
  exportOptionsSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { openTestStores, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** Deterministic pseudo-random numbers, so a failure names the same data every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Annotations that differ in every field a filter or a sort looks at, edge cases included. */
function variedAnnotations(count: number): Annotation[] {
  const next = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const day = 1 + Math.floor(next() * 28);
    const hour = Math.floor(next() * 24);
    // Offsets other than Z, so "since"/"until" compare instants, not strings.
    const offset = pick(['Z', '+02:00', '-05:00']);
    return makeAnnotation({
      site: pick(['chatgpt', 'claude', 'gemini']),
      conversationId: `conv-${i % 40}`,
      model: pick(['gpt-5', 'claude-4', 'gemini-3', null]),
      annotator: pick(['ada', 'grace', 'linus']),
      thumb: pick(['up', 'down', null] as const),
      score: next() < 0.2 ? null : Math.floor(next() * 101),
      tags: pick([[], ['code'], ['code', 'long'], ['wrong'], ['long', 'wrong', 'code']]),
      comment: pick(['', ' \n\t ', 'too long', 'cites a source']),
      correction: pick([null, null, '', 'A better answer about routers.']),
      response: pick(['Hold the reset pin for 10 seconds.', 'Unplug the router.', 'Café au lait ☕ is a drink.']),
      createdAt: `2026-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:30:00.000${offset}`,
    });
  });
}

function idsOf(rows: { id: string }[]): string[] {
  return rows.map((row) => row.id).sort();
}

/** The dashboard's reads over `dashboard()`: a page, every page, as the table asks for them. */
function queries(dashboard: () => DashboardStore) {
  const list = (query: Record<string, unknown> = {}) =>
    dashboard().list(annotationListQuerySchema.parse(query) as AnnotationListQuery);
  const all = async (query: Record<string, unknown> = {}) => {
    const rows = [];
    for (let offset = 0; ; offset += 500) {
      const page = await list({ ...query, offset: String(offset), limit: '500' });
      rows.push(...page.rows);
      if (page.rows.length < 500) return rows;
    }
  };
  return { list, all };
}

describe.each(STORE_KINDS)('dashboard index (%s)', (kind) => {
  let database: TestDatabase;
  let store: SyncStore;
  let dashboard: DashboardStore;
  let remove: () => Promise<void>;

  const push = (annotations: Annotation[], deviceId = 'browser') =>
    store.applyChanges({ deviceId, receivedAt: new Date().toISOString(), annotations, comparisons: [] });
  const { list, all } = queries(() => dashboard);

  beforeEach(async () => {
    const opened = await openTestStores(kind, 'dashboard_index');
    ({ database, remove } = opened);
    store = opened.stores.sync;
    dashboard = opened.stores.dashboard;
  });
  afterEach(() => remove());

  it('selects exactly the annotations the export filters select, for every filter and combinations', async () => {
    const annotations = variedAnnotations(400);
    await push(annotations);
    const cases: Record<string, string>[] = [
      {},
      { site: 'claude' },
      { site: 'chatgpt,gemini' },
      { model: 'gpt-5' },
      { model: 'gpt-5,claude-4' },
      { annotator: 'grace' },
      { tag: 'code' },
      { tag: 'wrong,long' },
      { excludeTag: 'code' },
      { tag: 'long', excludeTag: 'wrong' },
      { since: '2026-10-10' },
      { until: '2026-10-10' },
      { since: '2026-10-05T12:00:00+02:00', until: '2026-10-20T00:00:00Z' },
      { minScore: '50' },
      { maxScore: '20' },
      { minScore: '0', maxScore: '100' },
      { hasComment: 'true' },
      { hasComment: 'false' },
      { hasCorrection: 'true' },
      { hasCorrection: 'false' },
      { site: 'chatgpt', model: 'gpt-5', minScore: '30', hasComment: 'false', excludeTag: 'long' },
    ];
    for (const filters of cases) {
      const options = exportOptionsSchema.parse({ format: 'raw', ...filters });
      const expected = annotations.filter((annotation) => passesFilters(annotation, options)).map((a) => a.id);
      const rows = await all(filters);
      expect(idsOf(rows), JSON.stringify(filters)).toEqual(expected.sort());
      expect((await list(filters)).total, JSON.stringify(filters)).toBe(expected.length);
    }
  });

  it('sorts on the server, with ties and missing values in a stable order, and pages without gaps', async () => {
    await push(variedAnnotations(250));
    const byScore = await all({ sort: 'score', order: 'desc' });
    const scores = byScore.map((row) => row.score);
    const rated = scores.filter((score) => score !== null) as number[];
    expect(rated).toEqual([...rated].sort((a, b) => b - a));
    expect(scores.slice(rated.length).every((score) => score === null)).toBe(true); // unscored last
    const byDate = (await all({ sort: 'created', order: 'asc' })).map((row) => Date.parse(row.createdAt));
    expect(byDate).toEqual([...byDate].sort((a, b) => a - b));
    // Pages of 7 put together are the whole list, once each.
    const paged = [];
    for (let offset = 0; offset < 250; offset += 7) {
      paged.push(...(await list({ sort: 'site', order: 'asc', offset: String(offset), limit: '7' })).rows);
    }
    expect(paged.map((row) => row.id)).toEqual((await all({ sort: 'site', order: 'asc' })).map((row) => row.id));
    expect(new Set(paged.map((row) => row.id)).size).toBe(250);
  });

  it('searches response, comment and correction by word prefixes, and treats search syntax as text', async () => {
    const router = makeAnnotation({ response: 'Unplug the router, then wait.' });
    const comment = makeAnnotation({ comment: 'Cites the wrong RFC' });
    const correction = makeAnnotation({ correction: 'Use `ip route` instead.' });
    const accent = makeAnnotation({ response: 'Un café, s’il vous plaît.' });
    const context = makeAnnotation({ context: [{ role: 'user', content: 'router router router' }] });
    await push([router, comment, correction, accent, context]);
    const search = async (q: string) => idsOf(await all({ q }));
    expect(await search('router')).toEqual([router.id]); // the context is not searched
    expect(await search('rout')).toEqual([router.id, correction.id].sort());
    expect(await search('unplug wait')).toEqual([router.id]);
    expect(await search('unplug nothing')).toEqual([]);
    expect(await search('rfc')).toEqual([comment.id]);
    expect(await search('cafe')).toEqual([accent.id]);
    for (const hostile of ['"', 'router OR', 'NEAR(a b)', 'response:router', '*', 'a AND NOT', '(((', '-router']) {
      await expect(all({ q: hostile }), hostile).resolves.toBeDefined();
    }
    expect(await search('!!!')).toEqual([]);
    expect(ftsQuery('say "hi" NEAR(x)')).toBe('"say"* "hi"* "NEAR"* "x"*');
    expect(tsQuery("say 'hi' & !x:* Café")).toBe("'say':* & 'hi':* & 'x':* & 'cafe':*");
  });

  it('indexes what was synced after the last query, including versions written by another connection', async () => {
    await push([makeAnnotation({ score: 10 })]);
    expect((await list()).total).toBe(1);
    // `margin import` (or another companion) writes the same database through its own connection.
    const other = await database.open();
    const imported = makeAnnotation({ score: 99, tags: ['imported'] });
    await other.sync.applyChanges({
      deviceId: 'import',
      receivedAt: new Date().toISOString(),
      annotations: [imported],
      comparisons: [],
    });
    await other.close();
    expect((await list({ tag: 'imported' })).rows.map((row) => row.id)).toEqual([imported.id]);
    expect(await dashboard.pending()).toBe(0);
  });

  it('reindexes a changed annotation in place: new values, old tags and words gone, tombstones hidden', async () => {
    const first = makeAnnotation({ tags: ['old'], response: 'alpha words', score: 10 });
    await push([first]);
    expect((await list({ q: 'alpha' })).total).toBe(1);
    await push([{ ...first, revision: 2, tags: ['new'], response: 'beta words', score: 90 }]);
    expect((await list({ q: 'alpha' })).total).toBe(0);
    expect((await list({ q: 'beta', tag: 'new', minScore: '90' })).total).toBe(1);
    expect((await list({ tag: 'old' })).total).toBe(0);
    expect((await dashboard.facets()).tags).toEqual([{ value: 'new', count: 1 }]);
    await push([{ ...first, revision: 3, deletedAt: '2026-11-02T00:00:00.000Z' }]);
    expect((await list()).total).toBe(0);
    expect((await list({ q: 'beta' })).total).toBe(0);
    expect(await dashboard.facets()).toEqual({ sites: [], models: [], annotators: [], tags: [] });
    expect((await dashboard.get(first.id))?.deletedAt).toBe('2026-11-02T00:00:00.000Z');
  });

  it('leaves a large backlog to the background indexer and reports it, then catches up', async () => {
    await push(variedAnnotations(2_600));
    const first = await list();
    expect(first.pendingIndex).toBe(600); // a query indexes 2,000 itself
    expect(first.total).toBe(2_000);
    dashboard.startIndexing(10);
    await expect.poll(() => dashboard.pending(), { timeout: 10_000 }).toBe(0);
    expect((await list()).total).toBe(2_600);
  });

  it('aggregates insights over the filtered annotations', async () => {
    const at = (day: string) => `2026-10-${day}T10:00:00.000Z`;
    await push([
      makeAnnotation({ site: 'chatgpt', model: 'gpt-5', thumb: 'up', score: 95, tags: ['a'], createdAt: at('01') }),
      makeAnnotation({
        site: 'chatgpt',
        model: 'gpt-5',
        thumb: 'down',
        score: 10,
        tags: ['a', 'b'],
        createdAt: at('01'),
      }),
      makeAnnotation({ site: 'chatgpt', model: null, thumb: 'up', score: null, tags: [], createdAt: at('02') }),
      makeAnnotation({ site: 'claude', model: 'claude-4', thumb: null, score: 100, tags: ['b'], createdAt: at('03') }),
    ]);
    const insights = await dashboard.insights(annotationFiltersSchema.parse({}) as AnnotationFilters);
    expect(insights.total).toBe(4);
    expect(insights.days).toEqual([
      { day: '2026-10-01', count: 2, up: 1, down: 1 },
      { day: '2026-10-02', count: 1, up: 1, down: 0 },
      { day: '2026-10-03', count: 1, up: 0, down: 0 },
    ]);
    expect(insights.sites).toEqual([
      { key: 'chatgpt', count: 3, up: 2, down: 1, upRate: 2 / 3, meanScore: 52.5 },
      { key: 'claude', count: 1, up: 0, down: 0, upRate: null, meanScore: 100 },
    ]);
    expect(insights.models.map((group) => [group.key, group.count])).toEqual([
      ['gpt-5', 2],
      ['(unknown model)', 1],
      ['claude-4', 1],
    ]);
    expect(insights.scoreHistogram).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(insights.tags).toEqual([
      { value: 'a', count: 2 },
      { value: 'b', count: 2 },
    ]);
    const claude = await dashboard.insights(annotationFiltersSchema.parse({ site: 'claude' }) as AnnotationFilters);
    expect(claude.total).toBe(1);
    expect(claude.scoreHistogram[9]).toBe(1);
  });

  it('edits as a new version (revision + 1, a new sequence number) and refuses stale or invalid edits', async () => {
    const annotation = makeAnnotation({ score: 40, thumb: 'down' });
    const before = (await push([annotation])).checkpoint;
    const now = new Date('2026-11-05T12:00:00.000Z');
    const saved = await dashboard.edit(
      annotation.id,
      { baseRevision: 1, score: 85, thumb: 'up', tags: ['fixed'] },
      now,
    );
    expect(saved.status).toBe('saved');
    if (saved.status !== 'saved') return;
    expect(saved.seq).toBe(before + 1);
    expect(saved.annotation).toEqual({
      ...annotation,
      score: 85,
      thumb: 'up',
      tags: ['fixed'],
      revision: 2,
      updatedAt: now.toISOString(),
    });
    expect((await store.changesSince(before, 10)).annotations).toEqual([saved.annotation]);
    expect((await list({ tag: 'fixed', minScore: '85' })).total).toBe(1);

    const stale = await dashboard.edit(annotation.id, { baseRevision: 1, score: 1 }, now);
    expect(stale).toEqual({ status: 'conflict', current: saved.annotation });
    const invalid = await dashboard.edit(annotation.id, { baseRevision: 2, tags: ['x'.repeat(65)] }, now);
    expect(invalid.status).toBe('invalid');
    expect(invalid.status === 'invalid' && invalid.issues[0]?.path).toBe('tags.0');
    expect(await dashboard.edit('nope', { baseRevision: 1 }, now)).toEqual({ status: 'not_found' });

    const removed = await dashboard.remove(annotation.id, 2, now);
    expect(removed.status === 'saved' && removed.annotation.deletedAt).toBe(now.toISOString());
    expect((await dashboard.edit(annotation.id, { baseRevision: 3, score: 5 }, now)).status).toBe('conflict');
    expect((await list()).total).toBe(0);
  });
});

describe('dashboard index: SQLite migration 4', () => {
  it('upgrades a version-3 database, and its existing annotations get indexed', async () => {
    const dir = await makeTempDir('dashboard-migration');
    const path = `${dir.path}/margin.sqlite`;
    const db = new Database(path);
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version <= 3),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    // Rows written at version 3, as a released companion would have them.
    const old = openV3Store(path);
    const annotation = makeAnnotation({ response: 'stored before the upgrade', tags: ['legacy'] });
    old
      .prepare(
        `INSERT INTO annotations (id, seq, key, site, conversation_id, annotator, revision, updated_at, updated_at_ms,
         deleted_at, device_id, hash, received_at, body) VALUES (?, 1, ?, ?, ?, ?, 1, ?, ?, NULL, 'd', 'h', ?, ?)`,
      )
      .run(
        annotation.id,
        annotation.key,
        annotation.site,
        annotation.conversationId,
        annotation.annotator,
        annotation.updatedAt,
        Date.parse(annotation.updatedAt),
        annotation.updatedAt,
        JSON.stringify(annotation),
      );
    old.close();
    const store = openSqliteStore(path);
    try {
      expect(store.database.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const dashboard = new SqliteDashboard(store);
      const { list } = queries(() => dashboard);
      expect(await dashboard.pending()).toBe(1);
      expect((await list({ q: 'upgrade', tag: 'legacy' })).rows.map((row) => row.id)).toEqual([annotation.id]);
    } finally {
      store.close();
      await dir.remove();
    }
  });
});

function openV3Store(path: string): Database.Database {
  const db = new Database(path);
  expect(db.pragma('user_version', { simple: true })).toBe(3);
  return db;
}
