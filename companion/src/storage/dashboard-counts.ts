import type {
  AnnotationFacets,
  AnnotationFilters,
  AnnotationListQuery,
  FacetCount,
  InsightGroup,
  InsightsResponse,
} from '../../../shared/index.ts';

/**
 * Counts the dashboard keeps instead of counting a million rows on every request: for every value of
 * every facet (site, model, annotator, tag, day, score bucket) how many live annotations have it, with
 * their thumbs and score sums for the charts. The indexer changes them in the same transaction as the
 * rows it indexes (SQLite migration 11, PostgreSQL 6), so they always equal a count of the index: the
 * total, the filter choices, a one-facet filter's total and the unfiltered charts read a few rows.
 */

/** The facets kept; `total` has the one value ''. A row without a model counts under `no-model`. */
export type CountFacet = 'total' | 'site' | 'model' | 'no-model' | 'annotator' | 'tag' | 'day' | 'score-bucket';

export const DAY_MS = 86_400_000;
const TOP_TAGS = 30;

/** What a live index row contributes: the values the counts are kept by. */
export interface CountedRow {
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  createdMs: number;
  tags: readonly string[];
}

/** One kept count, as stored. */
export interface CountRow {
  facet: CountFacet;
  value: string;
  count: number;
  up: number;
  down: number;
  scoreSum: number;
  scored: number;
}

/** The day a row falls on, as both stores' SQL computes it (`created_ms / 86400000`, truncated). */
export function dayOf(createdMs: number): number {
  return Math.trunc(createdMs / DAY_MS);
}

/** The (facet, value) pairs a live row counts under. */
function keysOf(row: CountedRow): [CountFacet, string][] {
  const keys: [CountFacet, string][] = [
    ['total', ''],
    ['site', row.site],
    row.model === null ? ['no-model', ''] : ['model', row.model],
    ['annotator', row.annotator],
    ['day', String(dayOf(row.createdMs))],
  ];
  if (row.score !== null) keys.push(['score-bucket', String(Math.min(Math.trunc(row.score / 10), 9))]);
  // A tag twice on one annotation is one row in dashboard_tags (INSERT OR IGNORE / ON CONFLICT DO NOTHING).
  for (const tag of new Set(row.tags)) keys.push(['tag', tag]);
  return keys;
}

/** The changes a batch of indexed rows makes to the kept counts, summed per (facet, value). */
export class CountDeltas {
  readonly #deltas = new Map<string, CountRow>();

  /** Adds (`sign` 1) or takes away (-1) what `row` contributes. */
  add(row: CountedRow, sign: 1 | -1): void {
    for (const [facet, value] of keysOf(row)) {
      const key = `${facet}\u0000${value}`;
      let delta = this.#deltas.get(key);
      if (delta === undefined) {
        delta = { facet, value, count: 0, up: 0, down: 0, scoreSum: 0, scored: 0 };
        this.#deltas.set(key, delta);
      }
      delta.count += sign;
      if (row.thumb === 'up') delta.up += sign;
      if (row.thumb === 'down') delta.down += sign;
      if (row.score !== null) {
        delta.scoreSum += sign * row.score;
        delta.scored += sign;
      }
    }
  }

  /** The changes that change something (an edit that keeps a row's site leaves the site's count as it was). */
  rows(): CountRow[] {
    return [...this.#deltas.values()].filter(
      (delta) => delta.count !== 0 || delta.up !== 0 || delta.down !== 0 || delta.scoreSum !== 0 || delta.scored !== 0,
    );
  }
}

/**
 * The kept counts that give a list's `total` exactly, or undefined when the query needs a count of
 * rows: no filter (the total), or one facet filtered on its own. Several values of one facet are
 * disjoint sets of rows (a row has one site), so their counts add up, except tags: a row has many.
 */
export function countedTotalKeys(
  query: AnnotationFilters & { q?: string | undefined },
): { facet: CountFacet; values: string[] } | undefined {
  const set = Object.entries(query).filter(
    ([name, value]) => value !== undefined && !['sort', 'order', 'limit', 'offset'].includes(name),
  );
  if (set.length === 0) return { facet: 'total', values: [''] };
  if (set.length > 1) return undefined;
  const [name, value] = set[0] as [string, unknown];
  if (!Array.isArray(value)) return undefined;
  if (name === 'site' || name === 'annotator') return { facet: name, values: [...new Set(value as string[])] };
  if (name === 'model') return { facet: 'model', values: [...new Set(value as string[])] };
  if (name === 'tag' && value.length === 1) return { facet: 'tag', values: value as string[] };
  return undefined;
}

/** The sum of the counts `keys` names, from the kept rows read for them. */
export function totalOf(rows: readonly Pick<CountRow, 'count'>[]): number {
  return rows.reduce((sum, row) => sum + Number(row.count), 0);
}

/**
 * The filters' choices from every kept row, read in the order `ORDER BY count DESC, value` gives (so
 * ties fall in each store's own text order, as the group-bys they replace had them).
 */
export function facetsOf(rows: readonly CountRow[]): AnnotationFacets {
  const facet = (name: CountFacet): FacetCount[] =>
    rows.filter((row) => row.facet === name).map((row) => ({ value: row.value, count: Number(row.count) }));
  return { sites: facet('site'), models: facet('model'), annotators: facet('annotator'), tags: facet('tag') };
}

/** Whether insights over these filters are the unfiltered ones, which the kept counts answer. */
export function isUnfiltered(filters: AnnotationFilters): boolean {
  return Object.values(filters).every((value) => value === undefined);
}

function groupOf(row: CountRow, key: string): InsightGroup {
  const up = Number(row.up);
  const down = Number(row.down);
  const scored = Number(row.scored);
  return {
    key,
    count: Number(row.count),
    up,
    down,
    upRate: up + down === 0 ? null : up / (up + down),
    meanScore: scored === 0 ? null : Number(row.scoreSum) / scored,
  };
}

/**
 * The unfiltered insights from every kept row (in `ORDER BY count DESC, value` order): what the
 * group-bys over every live row answer. A missing model is kept under `no-model` with the value '',
 * so among equal counts it comes first, where `ORDER BY count DESC, key` puts NULL.
 */
export function insightsOf(rows: readonly CountRow[], pendingIndex: number): InsightsResponse {
  const of = (...facets: CountFacet[]) => rows.filter((row) => facets.includes(row.facet));
  const days = of('day')
    .map((row) => ({ day: Number(row.value), count: Number(row.count), up: Number(row.up), down: Number(row.down) }))
    .sort((a, b) => a.day - b.day);
  const scoreHistogram = Array.from({ length: 10 }, () => 0);
  for (const row of of('score-bucket')) scoreHistogram[Number(row.value)] = Number(row.count);
  return {
    total: days.reduce((sum, day) => sum + day.count, 0),
    days: days.map((day) => ({
      day: new Date(day.day * DAY_MS).toISOString().slice(0, 10),
      count: day.count,
      up: day.up,
      down: day.down,
    })),
    sites: of('site').map((row) => groupOf(row, row.value)),
    models: of('model', 'no-model').map((row) =>
      groupOf(row, row.facet === 'no-model' ? '(unknown model)' : row.value),
    ),
    scoreHistogram,
    tags: of('tag')
      .slice(0, TOP_TAGS)
      .map((row) => ({ value: row.value, count: Number(row.count) })),
    pendingIndex,
  };
}

/** The list query's filters without its paging and order, for `countedTotalKeys`. */
export function filtersOf(query: AnnotationListQuery): AnnotationFilters & { q?: string | undefined } {
  const { sort: _sort, order: _order, limit: _limit, offset: _offset, ...filters } = query;
  return filters;
}
