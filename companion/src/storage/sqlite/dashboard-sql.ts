import type { AnnotationFilters, AnnotationListQuery } from '../../../../shared/index.ts';
import { toEpoch } from '../../../../shared/index.ts';

/** The SQL the dashboard's SQLite reads are made of: sorts, filters and the full-text query. */

/**
 * Each sort is one of the (deleted, column) indexes read forwards or backwards, so even a deep page of
 * 100,000 sorted rows needs no sort step. Ties go by `ix` (the order the index learnt of them); a
 * missing value (no score, no model) sorts lowest, as SQLite orders NULL: last when descending.
 */
export const SORT_SQL: Record<AnnotationListQuery['sort'], (dir: string) => string> = {
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
export function filterSql(filters: AnnotationFilters & { q?: string | undefined }): {
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
