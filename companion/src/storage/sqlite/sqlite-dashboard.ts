import type Database from 'better-sqlite3';
import {
  type Annotation,
  type AnnotationEdit,
  type AnnotationFacets,
  type AnnotationFilters,
  type AnnotationListQuery,
  type AnnotationListResponse,
  type AnnotationRow,
  annotationSchema,
  type FacetCount,
  type InsightGroup,
  type InsightsResponse,
  toApiIssues,
  toEpoch,
} from '../../../../shared/index.ts';
import { DASHBOARD_DEVICE_ID, type DashboardStore, type DashboardWriteResult } from '../dashboard-store.ts';
import { DashboardIndexer } from './dashboard-indexer.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** A query catches up on at most this many changes itself; a larger backlog is left to the background. */
const QUERY_CATCH_UP = 2_000;
const TOP_TAGS = 30;
const DAY_MS = 86_400_000;

interface IndexRow {
  ix: number;
  id: string;
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  has_correction: number;
}

interface ExcerptRow {
  ix: number;
  created_at: string;
  updated_at: string;
  comment_excerpt: string;
  response_excerpt: string;
  tags: string;
}

interface GroupRow {
  key: string | null;
  count: number;
  up: number;
  down: number;
  mean: number | null;
}

/**
 * Each sort is one of the (deleted, column) indexes read forwards or backwards, so even a deep page of
 * 100,000 sorted rows needs no sort step. Ties go by `ix` (the order the index learnt of them); a
 * missing value (no score, no model) sorts lowest, as SQLite orders NULL: last when descending.
 */
const SORT_SQL: Record<AnnotationListQuery['sort'], (dir: string) => string> = {
  created: (dir) => `r.created_ms ${dir}, r.ix ${dir}`,
  score: (dir) => `r.score ${dir}, r.ix ${dir}`,
  site: (dir) => `r.site ${dir}, r.ix ${dir}`,
  model: (dir) => `r.model ${dir}, r.ix ${dir}`,
  annotator: (dir) => `r.annotator ${dir}, r.ix ${dir}`,
  thumb: (dir) => `r.thumb ${dir}, r.ix ${dir}`,
};

/**
 * A full-text query from what a person typed: every word must occur, each as a prefix ("rout" finds
 * "router"). Words are quoted, so FTS5 syntax in the input (AND, NEAR, column:, quotes) is just text.
 */
export function ftsQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return undefined;
  return words.map((word) => `"${word}"*`).join(' ');
}

/** SQL conditions on `dashboard_rows r` for the export's filters (rules.ts `passesFilters`), and their parameters. */
function filterSql(filters: AnnotationFilters & { q?: string | undefined }): {
  where: string;
  params: Record<string, unknown>;
} {
  const conditions = ['r.deleted = 0'];
  const params: Record<string, unknown> = {};
  const list = (name: 'site' | 'model' | 'annotator', column: string) => {
    const values = filters[name];
    if (values === undefined) return;
    conditions.push(`${column} IN (SELECT value FROM json_each(@${name}))`);
    params[name] = JSON.stringify(values);
  };
  list('site', 'r.site');
  list('model', 'r.model');
  list('annotator', 'r.annotator');
  if (filters.tag !== undefined) {
    conditions.push('r.ix IN (SELECT ix FROM dashboard_tags WHERE tag IN (SELECT value FROM json_each(@tag)))');
    params.tag = JSON.stringify(filters.tag);
  }
  if (filters.excludeTag !== undefined) {
    conditions.push(
      'r.ix NOT IN (SELECT ix FROM dashboard_tags WHERE tag IN (SELECT value FROM json_each(@excludeTag)))',
    );
    params.excludeTag = JSON.stringify(filters.excludeTag);
  }
  if (filters.since !== undefined) {
    conditions.push('r.created_ms >= @since');
    params.since = toEpoch(filters.since);
  }
  if (filters.until !== undefined) {
    conditions.push('r.created_ms < @until');
    params.until = toEpoch(filters.until);
  }
  if (filters.minScore !== undefined) {
    conditions.push('r.score >= @minScore');
    params.minScore = filters.minScore;
  }
  if (filters.maxScore !== undefined) {
    conditions.push('r.score <= @maxScore');
    params.maxScore = filters.maxScore;
  }
  if (filters.hasComment !== undefined) {
    conditions.push('r.has_comment = @hasComment');
    params.hasComment = filters.hasComment ? 1 : 0;
  }
  if (filters.hasCorrection !== undefined) {
    conditions.push('r.has_correction = @hasCorrection');
    params.hasCorrection = filters.hasCorrection ? 1 : 0;
  }
  if (filters.q !== undefined) {
    const match = ftsQuery(filters.q);
    // Nothing searchable (only punctuation) matches nothing, rather than everything.
    if (match === undefined) conditions.push('0');
    else {
      conditions.push('r.ix IN (SELECT rowid FROM dashboard_text WHERE dashboard_text MATCH @q)');
      params.q = match;
    }
  }
  return { where: conditions.join(' AND '), params };
}

function toRow(row: IndexRow, excerpt: ExcerptRow | undefined): AnnotationRow {
  return {
    id: row.id,
    site: row.site,
    model: row.model,
    annotator: row.annotator,
    thumb: row.thumb,
    score: row.score,
    tags: excerpt ? (JSON.parse(excerpt.tags) as string[]) : [],
    commentExcerpt: excerpt?.comment_excerpt ?? '',
    responseExcerpt: excerpt?.response_excerpt ?? '',
    hasCorrection: row.has_correction === 1,
    createdAt: excerpt?.created_at ?? '',
    updatedAt: excerpt?.updated_at ?? '',
  };
}

function toGroup(row: GroupRow, unknown: string): InsightGroup {
  const rated = row.up + row.down;
  return {
    key: row.key ?? unknown,
    count: row.count,
    up: row.up,
    down: row.down,
    upRate: rated === 0 ? null : row.up / rated,
    meanScore: row.mean,
  };
}

/**
 * The dashboard's reads and writes on the SQLite store. Reads use the tables that `DashboardIndexer`
 * derives from `annotations` (dashboard-indexer.ts); each read first lets it catch up on a small
 * backlog, so what the dashboard shows includes the latest writes, whoever made them.
 */
export class SqliteDashboard implements DashboardStore {
  readonly #store: SqliteStore;
  readonly #db: Database.Database;
  readonly #statements;
  readonly #indexer: DashboardIndexer;
  readonly #queries = new Map<string, Database.Statement>();
  #facets: { watermark: number; value: AnnotationFacets } | undefined;

  constructor(store: SqliteStore) {
    this.#store = store;
    this.#db = store.database;
    this.#indexer = new DashboardIndexer(store);
    const db = this.#db;
    this.#statements = {
      excerpts: db.prepare<[string], ExcerptRow>(
        'SELECT * FROM dashboard_excerpts WHERE ix IN (SELECT value FROM json_each(?))',
      ),
      body: db.prepare<[string], string>('SELECT body FROM annotations WHERE id = ?').pluck(),
      facets: Object.fromEntries(
        (['site', 'model', 'annotator'] as const).map((column) => [
          column,
          db.prepare<[], FacetCount>(
            `SELECT ${column} AS value, count(*) AS count FROM dashboard_rows
             WHERE deleted = 0 AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY count DESC, value`,
          ),
        ]),
      ) as Record<'site' | 'model' | 'annotator', Database.Statement<[], FacetCount>>,
      tagFacet: db.prepare<[], FacetCount>(
        `SELECT t.tag AS value, count(*) AS count FROM dashboard_tags t JOIN dashboard_rows r ON r.ix = t.ix
         WHERE r.deleted = 0 GROUP BY t.tag ORDER BY count DESC, value`,
      ),
    };
  }

  async pending(): Promise<number> {
    return this.#indexer.pending();
  }

  /** Indexes up to `maxRows` changed annotations, in transactions of a few hundred; returns how many. */
  async catchUp(maxRows?: number): Promise<number> {
    return this.#indexer.catchUp(maxRows);
  }

  /** Keeps the index caught up in the background (see `DashboardIndexer.start`). */
  startIndexing(idleIntervalMs?: number, maxDeferMs?: number): void {
    this.#indexer.start(idleIntervalMs, maxDeferMs);
  }

  stopIndexing(): void {
    this.#indexer.stop();
  }

  /** Before a read: catch up with small backlogs at once, leave large ones to the background. */
  #fresh(): number {
    this.#indexer.catchUp(QUERY_CATCH_UP);
    return this.#indexer.pending();
  }

  #query<T>(sql: string): Database.Statement<[Record<string, unknown>], T> {
    let statement = this.#queries.get(sql);
    if (statement === undefined) {
      if (this.#queries.size > 200) this.#queries.clear();
      statement = this.#db.prepare(sql);
      this.#queries.set(sql, statement);
    }
    return statement as unknown as Database.Statement<[Record<string, unknown>], T>;
  }

  async list(query: AnnotationListQuery): Promise<AnnotationListResponse> {
    const pendingIndex = this.#fresh();
    const { where, params } = filterSql(query);
    const order = SORT_SQL[query.sort](query.order === 'asc' ? 'ASC' : 'DESC');
    const total = this.#query<{ total: number }>(`SELECT count(*) AS total FROM dashboard_rows r WHERE ${where}`).get(
      params,
    )?.total;
    const rows = this.#query<IndexRow>(
      `SELECT r.ix, r.id, r.site, r.model, r.annotator, r.thumb, r.score, r.has_correction
       FROM dashboard_rows r WHERE ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: query.limit, offset: query.offset });
    // The excerpts of this page only: the narrow table stays narrow for the scans.
    const excerpts = new Map(
      this.#statements.excerpts.all(JSON.stringify(rows.map((row) => row.ix))).map((row) => [row.ix, row]),
    );
    return {
      total: total ?? 0,
      offset: query.offset,
      rows: rows.map((row) => toRow(row, excerpts.get(row.ix))),
      pendingIndex,
    };
  }

  async facets(): Promise<AnnotationFacets> {
    this.#fresh();
    // Asked on every page load; the answer only changes when the index does.
    const watermark = this.#indexer.watermark();
    if (this.#facets?.watermark === watermark) return this.#facets.value;
    const s = this.#statements;
    const value = {
      sites: s.facets.site.all(),
      models: s.facets.model.all(),
      annotators: s.facets.annotator.all(),
      tags: s.tagFacet.all(),
    };
    this.#facets = { watermark, value };
    return value;
  }

  async insights(filters: AnnotationFilters): Promise<InsightsResponse> {
    const pendingIndex = this.#fresh();
    const { where, params } = filterSql(filters);
    const group = (column: string) =>
      this.#query<GroupRow>(
        `SELECT ${column} AS key, count(*) AS count, coalesce(sum(r.thumb = 'up'), 0) AS up,
           coalesce(sum(r.thumb = 'down'), 0) AS down, avg(r.score) AS mean
         FROM dashboard_rows r WHERE ${where} GROUP BY ${column} ORDER BY count DESC, key`,
      ).all(params);
    const days = this.#query<{ day: number; count: number; up: number; down: number }>(
      `SELECT r.created_ms / ${DAY_MS} AS day, count(*) AS count, coalesce(sum(r.thumb = 'up'), 0) AS up,
         coalesce(sum(r.thumb = 'down'), 0) AS down
       FROM dashboard_rows r WHERE ${where} GROUP BY day ORDER BY day`,
    ).all(params);
    const histogram = this.#query<{ bucket: number; count: number }>(
      `SELECT min(r.score / 10, 9) AS bucket, count(*) AS count FROM dashboard_rows r
       WHERE ${where} AND r.score IS NOT NULL GROUP BY bucket`,
    ).all(params);
    const scoreHistogram = Array.from({ length: 10 }, () => 0);
    for (const { bucket, count } of histogram) scoreHistogram[bucket] = count;
    const tags = this.#query<FacetCount>(
      `SELECT t.tag AS value, count(*) AS count FROM dashboard_tags t JOIN dashboard_rows r ON r.ix = t.ix
       WHERE ${where} GROUP BY t.tag ORDER BY count DESC, value LIMIT ${TOP_TAGS}`,
    ).all(params);
    return {
      total: days.reduce((sum, day) => sum + day.count, 0),
      days: days.map((day) => ({
        day: new Date(day.day * DAY_MS).toISOString().slice(0, 10),
        count: day.count,
        up: day.up,
        down: day.down,
      })),
      sites: group('r.site').map((row) => toGroup(row, '(none)')),
      models: group('r.model').map((row) => toGroup(row, '(unknown model)')),
      scoreHistogram,
      tags,
      pendingIndex,
    };
  }

  async get(id: string): Promise<Annotation | undefined> {
    return this.#get(id);
  }

  #get(id: string): Annotation | undefined {
    const body = this.#statements.body.get(id);
    return body === undefined ? undefined : (JSON.parse(body) as Annotation);
  }

  async edit(id: string, edit: AnnotationEdit, now: Date): Promise<DashboardWriteResult> {
    return this.#write(id, edit.baseRevision, now, (current) => {
      const { baseRevision: _, ...fields } = edit;
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) next[key] = value;
      return next;
    });
  }

  async remove(id: string, baseRevision: number, now: Date): Promise<DashboardWriteResult> {
    return this.#write(id, baseRevision, now, (current) => ({ ...current, deletedAt: now.toISOString() }));
  }

  /**
   * Reads the current version and stores the changed one as revision + 1 in one write transaction,
   * so no other writer (sync, `margin import`) can slip in between the check and the write.
   */
  #write(
    id: string,
    baseRevision: number,
    now: Date,
    change: (current: Annotation) => Record<string, unknown>,
  ): DashboardWriteResult {
    const result = this.#db
      .transaction((): DashboardWriteResult => {
        const current = this.#get(id);
        if (current === undefined) return { status: 'not_found' };
        if (current.revision !== baseRevision || current.deletedAt !== null) return { status: 'conflict', current };
        const parsed = annotationSchema.safeParse({
          ...change(current),
          revision: current.revision + 1,
          updatedAt: now.toISOString(),
        });
        if (!parsed.success) return { status: 'invalid', issues: toApiIssues(parsed.error) };
        const applied = this.#store.applyChangesNow({
          deviceId: DASHBOARD_DEVICE_ID,
          receivedAt: now.toISOString(),
          annotations: [parsed.data],
          comparisons: [],
        });
        const written = applied.annotations[0];
        if (written?.status !== 'accepted') throw new Error(`the edit of ${id} was not accepted`);
        return { status: 'saved', annotation: parsed.data, seq: written.seq };
      })
      .immediate();
    if (result.status === 'saved') this.#indexer.catchUp();
    return result;
  }
}
