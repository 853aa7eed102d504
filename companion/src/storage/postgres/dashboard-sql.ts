import { type AnnotationFilters, type AnnotationListQuery, toEpoch } from '../../../../shared/index.ts';
import { tsQuery } from '../search-terms.ts';
import { pgText } from './connect.ts';

/**
 * Each sort reads one of the (deleted, column, ix) indexes forwards or backwards. A missing value
 * (no score, no model) sorts lowest, as SQLite orders NULL: first ascending, last descending.
 */
export const SORT_SQL: Record<AnnotationListQuery['sort'], (dir: 'ASC' | 'DESC') => string> = {
  created: (dir) => `r.created_ms ${dir}, r.ix ${dir}`,
  score: (dir) => `r.score ${dir} ${nulls(dir)}, r.ix ${dir}`,
  site: (dir) => `r.site ${dir}, r.ix ${dir}`,
  model: (dir) => `r.model ${dir} ${nulls(dir)}, r.ix ${dir}`,
  annotator: (dir) => `r.annotator ${dir}, r.ix ${dir}`,
  thumb: (dir) => `r.thumb ${dir} ${nulls(dir)}, r.ix ${dir}`,
};

function nulls(dir: 'ASC' | 'DESC'): string {
  return dir === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
}

/**
 * SQL conditions on `dashboard_rows r` for the export's filters (rules.ts `passesFilters`), as
 * sqlite-dashboard.ts writes them for SQLite; their values are appended to `params` ($1, $2, …).
 */
export function filterSql(filters: AnnotationFilters & { q?: string | undefined }, params: unknown[]): string {
  const add = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const conditions = ['NOT r.deleted'];
  const list = (name: 'site' | 'model' | 'annotator', column: string) => {
    const values = filters[name];
    if (values !== undefined) conditions.push(`${column} = ANY(${add(values.map(pgText), 'text[]')})`);
  };
  list('site', 'r.site');
  list('model', 'r.model');
  list('annotator', 'r.annotator');
  if (filters.tag !== undefined) {
    conditions.push(
      `r.ix IN (SELECT ix FROM dashboard_tags WHERE tag = ANY(${add(filters.tag.map(pgText), 'text[]')}))`,
    );
  }
  if (filters.excludeTag !== undefined) {
    conditions.push(
      `r.ix NOT IN (SELECT ix FROM dashboard_tags WHERE tag = ANY(${add(filters.excludeTag.map(pgText), 'text[]')}))`,
    );
  }
  if (filters.since !== undefined) conditions.push(`r.created_ms >= ${add(toEpoch(filters.since), 'bigint')}`);
  if (filters.until !== undefined) conditions.push(`r.created_ms < ${add(toEpoch(filters.until), 'bigint')}`);
  if (filters.minScore !== undefined) conditions.push(`r.score >= ${add(filters.minScore, 'int')}`);
  if (filters.maxScore !== undefined) conditions.push(`r.score <= ${add(filters.maxScore, 'int')}`);
  if (filters.hasComment !== undefined) conditions.push(`r.has_comment = ${add(filters.hasComment, 'boolean')}`);
  if (filters.hasCorrection !== undefined) {
    conditions.push(`r.has_correction = ${add(filters.hasCorrection, 'boolean')}`);
  }
  if (filters.q !== undefined) {
    const query = tsQuery(filters.q);
    // Nothing searchable (only punctuation) matches nothing, rather than everything.
    if (query === undefined) conditions.push('false');
    else conditions.push(`r.ix IN (SELECT ix FROM dashboard_text WHERE terms @@ ${add(query, 'tsquery')})`);
  }
  return conditions.join(' AND ');
}
