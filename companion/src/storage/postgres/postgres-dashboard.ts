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
import { countedTotalKeys, facetsOf, filtersOf, insightsOf, isUnfiltered } from '../dashboard-counts.ts';
import { DASHBOARD_DEVICE_ID, type DashboardStore, type DashboardWriteResult } from '../dashboard-store.ts';
import { excerpt } from '../dashboard-values.ts';
import { pgText, type Sql } from './connect.ts';
import { allCounts, countOf } from './dashboard-counts-sql.ts';
import { filterSql, SORT_SQL } from './dashboard-sql.ts';
import { PostgresIndexer } from './postgres-indexer.ts';
import type { PostgresStore } from './postgres-store.ts';

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
  has_correction: boolean;
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
  body: string;
}

/**
 * The prompt the table shows: the last user turn of the context, its first 2,000 characters (as
 * SQLite's `substr` counts them), read in JS because `jsonb` refuses a body holding U+0000.
 */
function promptOf(body: string): string {
  const { context } = JSON.parse(body) as Annotation;
  for (let turn = context.length - 1; turn >= 0; turn--) {
    const message = context[turn];
    if (message?.role === 'user') return Array.from(message.content.slice(0, 4_000)).slice(0, 2_000).join('');
  }
  return '';
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
    prompt: excerpt(detail === undefined ? '' : promptOf(detail.body)),
    hasCorrection: row.has_correction,
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

const COUNTS = `count(*)::int AS count, (count(*) FILTER (WHERE r.thumb = 'up'))::int AS up,
  (count(*) FILTER (WHERE r.thumb = 'down'))::int AS down`;

/** The dashboard's reads and writes on PostgreSQL, answering exactly what `SqliteDashboard` answers. */
export class PostgresDashboard implements DashboardStore {
  readonly #store: PostgresStore;
  readonly #sql: Sql;
  readonly #indexer: PostgresIndexer;

  constructor(store: PostgresStore) {
    this.#store = store;
    this.#sql = store.sql;
    this.#indexer = new PostgresIndexer(this.#sql);
  }

  pending(): Promise<number> {
    return this.#indexer.pending();
  }

  catchUp(maxRows?: number): Promise<number> {
    return this.#indexer.catchUp(maxRows);
  }

  startIndexing(idleIntervalMs?: number, maxDeferMs?: number): void {
    this.#indexer.start(idleIntervalMs, maxDeferMs);
  }

  stopIndexing(): void {
    void this.#indexer.stop();
  }

  /** Waits for a chunk the background indexer is writing (before closing the pool). */
  stopped(): Promise<void> {
    return this.#indexer.stop();
  }

  async #fresh(): Promise<number> {
    await this.#indexer.catchUp(QUERY_CATCH_UP);
    return this.#indexer.pending();
  }

  #query<T>(text: string, params: unknown[]): Promise<T[]> {
    return this.#sql.unsafe(text, params as never[], { prepare: true }) as unknown as Promise<T[]>;
  }

  async list(query: AnnotationListQuery): Promise<AnnotationListResponse> {
    const pendingIndex = await this.#fresh();
    const params: unknown[] = [];
    const where = filterSql(query, params);
    const order = SORT_SQL[query.sort](query.order === 'asc' ? 'ASC' : 'DESC');
    // No filter, or one facet alone: the kept counts. Otherwise every matching row is counted.
    const counted = countedTotalKeys(filtersOf(query));
    const total =
      counted === undefined
        ? (
            await this.#query<{ total: number }>(
              `SELECT count(*)::int AS total FROM dashboard_rows r WHERE ${where}`,
              params,
            )
          )[0]?.total
        : await countOf(this.#sql, counted.facet, counted.values);
    const rows = await this.#query<IndexRow>(
      `SELECT r.ix, r.id, r.site, r.model, r.annotator, r.thumb, r.score, r.has_correction
       FROM dashboard_rows r WHERE ${where} ORDER BY ${order}
       LIMIT $${params.length + 1}::int OFFSET $${params.length + 2}::int`,
      [...params, query.limit, query.offset],
    );
    // The excerpts of this page only.
    const excerpts = await this.#sql<ExcerptRow[]>`
      SELECT * FROM dashboard_excerpts WHERE ix = ANY(${rows.map((row) => row.ix)}::bigint[])`;
    const byIx = new Map(excerpts.map((row) => [row.ix, row]));
    const details = await this.#sql<DetailRow[]>`
      SELECT r.ix, a.revision, a.body FROM dashboard_rows r JOIN annotations a ON a.id = r.id
      WHERE r.ix = ANY(${rows.map((row) => row.ix)}::bigint[])`;
    const detailByIx = new Map(details.map((row) => [row.ix, row]));
    return {
      total: total ?? 0,
      offset: query.offset,
      rows: rows.map((row) => toRow(row, byIx.get(row.ix), detailByIx.get(row.ix))),
      pendingIndex,
    };
  }

  async facets(): Promise<AnnotationFacets> {
    await this.#fresh();
    return facetsOf(await allCounts(this.#sql));
  }

  async insights(filters: AnnotationFilters): Promise<InsightsResponse> {
    const pendingIndex = await this.#fresh();
    // Unfiltered (the charts' first view): the kept counts, not five group-bys over every live row.
    if (isUnfiltered(filters)) return insightsOf(await allCounts(this.#sql), pendingIndex);
    const params: unknown[] = [];
    const where = filterSql(filters, params);
    const group = (column: string) =>
      this.#query<GroupRow>(
        `SELECT ${column} AS key, ${COUNTS}, avg(r.score)::float8 AS mean
         FROM dashboard_rows r WHERE ${where} GROUP BY ${column} ORDER BY count DESC, key NULLS FIRST`,
        params,
      );
    const [days, histogram, tags, sites, models] = await Promise.all([
      this.#query<{ day: number; count: number; up: number; down: number }>(
        `SELECT (r.created_ms / ${DAY_MS})::float8 AS day, ${COUNTS}
         FROM dashboard_rows r WHERE ${where} GROUP BY 1 ORDER BY 1`,
        params,
      ),
      this.#query<{ bucket: number; count: number }>(
        `SELECT least(r.score / 10, 9) AS bucket, count(*)::int AS count FROM dashboard_rows r
         WHERE ${where} AND r.score IS NOT NULL GROUP BY 1`,
        params,
      ),
      this.#query<FacetCount>(
        `SELECT t.tag AS value, count(*)::int AS count FROM dashboard_tags t JOIN dashboard_rows r ON r.ix = t.ix
         WHERE ${where} GROUP BY t.tag ORDER BY count DESC, value LIMIT ${TOP_TAGS}`,
        params,
      ),
      group('r.site'),
      group('r.model'),
    ]);
    const scoreHistogram = Array.from({ length: 10 }, () => 0);
    for (const { bucket, count } of histogram) scoreHistogram[bucket] = count;
    return {
      total: days.reduce((sum, day) => sum + day.count, 0),
      days: days.map((day) => ({
        day: new Date(day.day * DAY_MS).toISOString().slice(0, 10),
        count: day.count,
        up: day.up,
        down: day.down,
      })),
      sites: sites.map((row) => toGroup(row, '(none)')),
      models: models.map((row) => toGroup(row, '(unknown model)')),
      scoreHistogram,
      tags,
      pendingIndex,
    };
  }

  async get(id: string): Promise<Annotation | undefined> {
    const [row] = await this.#sql<{ body: string }[]>`SELECT body FROM annotations WHERE id = ${pgText(id)}`;
    return row === undefined ? undefined : (JSON.parse(row.body) as Annotation);
  }

  async comparisons(id: string): Promise<AnnotationComparisons> {
    // Comparisons are few next to annotations (one per side-by-side judgement): a scan is cheap.
    const rows = await this.#sql<{ body: string }[]>`
      SELECT body FROM comparisons WHERE deleted_at IS NULL AND (a = ${pgText(id)} OR b = ${pgText(id)}) ORDER BY seq`;
    const comparisons: AnnotationComparisons['comparisons'] = [];
    for (const row of rows) {
      const comparison = JSON.parse(row.body) as Comparison;
      const other = await this.get(comparison.a === id ? comparison.b : comparison.a);
      comparisons.push({ comparison, other: other ?? null });
    }
    return { comparisons };
  }

  edit(id: string, edit: AnnotationEdit, now: Date): Promise<DashboardWriteResult> {
    return this.#write(id, edit.baseRevision, now, (current) => {
      const { baseRevision: _, ...fields } = edit;
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) next[key] = value;
      return next;
    });
  }

  remove(id: string, baseRevision: number, now: Date): Promise<DashboardWriteResult> {
    return this.#write(id, baseRevision, now, (current) => ({ ...current, deletedAt: now.toISOString() }));
  }

  /**
   * Reads the current version and stores the changed one as revision + 1 in one transaction that
   * first takes the sequence counter's lock, so no other writer can slip in between the check and the write.
   */
  async #write(
    id: string,
    baseRevision: number,
    now: Date,
    change: (current: Annotation) => Record<string, unknown>,
  ): Promise<DashboardWriteResult> {
    const result = (await this.#sql.begin(async (tx): Promise<DashboardWriteResult> => {
      await tx`SELECT last_seq FROM sync_sequence FOR UPDATE`;
      const [row] = await tx<{ body: string }[]>`SELECT body FROM annotations WHERE id = ${pgText(id)}`;
      if (row === undefined) return { status: 'not_found' };
      const current = JSON.parse(row.body) as Annotation;
      if (current.revision !== baseRevision || current.deletedAt !== null) return { status: 'conflict', current };
      const parsed = annotationSchema.safeParse({
        ...change(current),
        revision: current.revision + 1,
        updatedAt: now.toISOString(),
      });
      if (!parsed.success) return { status: 'invalid', issues: toApiIssues(parsed.error) };
      const applied = await this.#store.applyChangesIn(tx, {
        deviceId: DASHBOARD_DEVICE_ID,
        receivedAt: now.toISOString(),
        annotations: [parsed.data],
        comparisons: [],
      });
      const written = applied.annotations[0];
      if (written?.status !== 'accepted') throw new Error(`the edit of ${id} was not accepted`);
      return { status: 'saved', annotation: parsed.data, seq: written.seq };
    })) as DashboardWriteResult;
    if (result.status === 'saved') await this.#indexer.catchUp();
    return result;
  }
}
