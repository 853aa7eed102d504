import type Database from 'better-sqlite3';
import {
  type Annotation,
  type AnnotationComparisons,
  type AnnotationEdit,
  type AnnotationFacets,
  type AnnotationFilters,
  type AnnotationListQuery,
  type AnnotationListResponse,
  type AnnotationRow,
  annotationSchema,
  type Comparison,
  type FacetCount,
  type InsightGroup,
  type InsightsResponse,
  toApiIssues,
} from '../../../../shared/index.ts';
import { type CountRow, countedTotalKeys, facetsOf, filtersOf, insightsOf, isUnfiltered } from '../dashboard-counts.ts';
import { DASHBOARD_DEVICE_ID, type DashboardStore, type DashboardWriteResult } from '../dashboard-store.ts';
import { excerpt } from '../dashboard-values.ts';
import { dashboardCountStatements } from './dashboard-counts-sql.ts';
import { DashboardIndexer } from './dashboard-indexer.ts';
import { filterSql, SORT_SQL } from './dashboard-sql.ts';
import type { SqliteStore } from './sqlite-store.ts';

export { ftsQuery } from './dashboard-sql.ts';

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

/** What the table shows that the index does not keep: read from the stored annotation, for one page of rows. */
interface DetailRow {
  ix: number;
  revision: number;
  prompt: string | null;
}

interface GroupRow {
  key: string | null;
  count: number;
  up: number;
  down: number;
  mean: number | null;
}

function toRow(row: IndexRow, text: ExcerptRow | undefined, detail: DetailRow | undefined): AnnotationRow {
  return {
    id: row.id,
    site: row.site,
    model: row.model,
    annotator: row.annotator,
    thumb: row.thumb,
    score: row.score,
    tags: text ? (JSON.parse(text.tags) as string[]) : [],
    commentExcerpt: text?.comment_excerpt ?? '',
    responseExcerpt: text?.response_excerpt ?? '',
    prompt: excerpt(detail?.prompt ?? ''),
    hasCorrection: row.has_correction === 1,
    createdAt: text?.created_at ?? '',
    updatedAt: text?.updated_at ?? '',
    revision: detail?.revision ?? 1,
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
  readonly #counts;

  constructor(store: SqliteStore) {
    this.#store = store;
    this.#db = store.database;
    this.#indexer = new DashboardIndexer(store);
    const db = this.#db;
    this.#statements = {
      excerpts: db.prepare<[string], ExcerptRow>(
        'SELECT * FROM dashboard_excerpts WHERE ix IN (SELECT value FROM json_each(?))',
      ),
      // The prompt is the last user turn of the context: JSON read in SQLite for the page's rows only.
      details: db.prepare<[string], DetailRow>(
        `SELECT r.ix, a.revision,
           (SELECT substr(turn.value ->> 'content', 1, 2000) FROM json_each(a.body, '$.context') AS turn
            WHERE turn.value ->> 'role' = 'user' ORDER BY turn.key DESC LIMIT 1) AS prompt
         FROM dashboard_rows r JOIN annotations a ON a.id = r.id WHERE r.ix IN (SELECT value FROM json_each(?))`,
      ),
      body: db.prepare<[string], string>('SELECT body FROM annotations WHERE id = ?').pluck(),
      // Comparisons are few next to annotations (one per side-by-side judgement): a scan is cheap.
      comparisonsOf: db
        .prepare<[string, string], string>(
          'SELECT body FROM comparisons WHERE deleted_at IS NULL AND (a = ? OR b = ?) ORDER BY seq',
        )
        .pluck(),
    };
    this.#counts = dashboardCountStatements(db);
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
    // No filter, or one facet alone: the kept counts. Otherwise every matching row is counted.
    const counted = countedTotalKeys(filtersOf(query));
    const total =
      counted === undefined
        ? this.#query<{ total: number }>(`SELECT count(*) AS total FROM dashboard_rows r WHERE ${where}`).get(params)
            ?.total
        : this.#counts.of.get(counted.facet, JSON.stringify(counted.values));
    const rows = this.#query<IndexRow>(
      `SELECT r.ix, r.id, r.site, r.model, r.annotator, r.thumb, r.score, r.has_correction
       FROM dashboard_rows r WHERE ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: query.limit, offset: query.offset });
    // The excerpts of this page only: the narrow table stays narrow for the scans.
    const page = JSON.stringify(rows.map((row) => row.ix));
    const excerpts = new Map(this.#statements.excerpts.all(page).map((row) => [row.ix, row]));
    const details = new Map(this.#statements.details.all(page).map((row) => [row.ix, row]));
    return {
      total: total ?? 0,
      offset: query.offset,
      rows: rows.map((row) => toRow(row, excerpts.get(row.ix), details.get(row.ix))),
      pendingIndex,
    };
  }

  async facets(): Promise<AnnotationFacets> {
    this.#fresh();
    return facetsOf(this.#counts.all.all());
  }

  async insights(filters: AnnotationFilters): Promise<InsightsResponse> {
    const pendingIndex = this.#fresh();
    // Unfiltered (the charts' first view): the kept counts, not five group-bys over every live row.
    if (isUnfiltered(filters)) return insightsOf(this.#counts.all.all() as CountRow[], pendingIndex);
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

  async comparisons(id: string): Promise<AnnotationComparisons> {
    const comparisons = this.#statements.comparisonsOf.all(id, id).map((body) => {
      const comparison = JSON.parse(body) as Comparison;
      const other = this.#get(comparison.a === id ? comparison.b : comparison.a);
      return { comparison, other: other ?? null };
    });
    return { comparisons };
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
