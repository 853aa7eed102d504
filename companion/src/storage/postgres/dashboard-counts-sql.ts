import type { CountRow } from '../dashboard-counts.ts';
import { pgText, type Sql, type Tx } from './connect.ts';

/** The dashboard's kept counts on PostgreSQL (dashboard-counts.ts says what they are for). */

const STATS = `count(*), count(*) FILTER (WHERE r.thumb = 'up'), count(*) FILTER (WHERE r.thumb = 'down'),
  coalesce(sum(r.score), 0), count(r.score)`;

/**
 * Migration 6 (SQLite's 11): the table, filled from the index as it stands; from then on the indexer
 * changes it in the transaction that moves the watermark.
 */
export async function createDashboardCounts(tx: Tx): Promise<void> {
  await tx.unsafe(`
    CREATE TABLE dashboard_counts (
      facet text COLLATE "C" NOT NULL,
      value text COLLATE "C" NOT NULL,
      count bigint NOT NULL,
      up bigint NOT NULL,
      down bigint NOT NULL,
      score_sum bigint NOT NULL,
      scored bigint NOT NULL,
      PRIMARY KEY (facet, value)
    );
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'total', '', ${STATS} FROM dashboard_rows r WHERE NOT r.deleted HAVING count(*) > 0;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'site', r.site, ${STATS} FROM dashboard_rows r WHERE NOT r.deleted GROUP BY r.site;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'model', r.model, ${STATS} FROM dashboard_rows r WHERE NOT r.deleted AND r.model IS NOT NULL
      GROUP BY r.model;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'no-model', '', ${STATS} FROM dashboard_rows r WHERE NOT r.deleted AND r.model IS NULL
      HAVING count(*) > 0;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'annotator', r.annotator, ${STATS} FROM dashboard_rows r WHERE NOT r.deleted GROUP BY r.annotator;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'day', (r.created_ms / 86400000)::text, ${STATS} FROM dashboard_rows r WHERE NOT r.deleted
      GROUP BY r.created_ms / 86400000;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'score-bucket', least(r.score / 10, 9)::text, ${STATS} FROM dashboard_rows r
      WHERE NOT r.deleted AND r.score IS NOT NULL GROUP BY least(r.score / 10, 9);
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'tag', t.tag, ${STATS} FROM dashboard_tags t JOIN dashboard_rows r ON r.ix = t.ix
      WHERE NOT r.deleted GROUP BY t.tag;
  `);
}

/** Applies a batch's changes in one statement; a value no live row has any more leaves the table. */
export async function applyCountDeltas(tx: Tx, rows: readonly CountRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.unsafe(
    `INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
     ON CONFLICT (facet, value) DO UPDATE SET count = dashboard_counts.count + excluded.count,
       up = dashboard_counts.up + excluded.up, down = dashboard_counts.down + excluded.down,
       score_sum = dashboard_counts.score_sum + excluded.score_sum, scored = dashboard_counts.scored + excluded.scored`,
    [
      rows.map((row) => row.facet),
      rows.map((row) => pgText(row.value)),
      rows.map((row) => row.count),
      rows.map((row) => row.up),
      rows.map((row) => row.down),
      rows.map((row) => row.scoreSum),
      rows.map((row) => row.scored),
    ],
  );
  await tx.unsafe(
    `DELETE FROM dashboard_counts c USING unnest($1::text[], $2::text[]) AS t (facet, value)
     WHERE c.facet = t.facet AND c.value = t.value AND c.count = 0`,
    [rows.map((row) => row.facet), rows.map((row) => pgText(row.value))],
  );
}

/** Every kept row, most first: the order the facets and charts show. */
export function allCounts(sql: Sql): Promise<CountRow[]> {
  return sql<CountRow[]>`
    SELECT facet, value, count::float8 AS count, up::float8 AS up, down::float8 AS down,
      score_sum::float8 AS "scoreSum", scored::float8 AS scored
    FROM dashboard_counts ORDER BY count DESC, value`;
}

/** The counts of some values of one facet. */
export async function countOf(sql: Sql, facet: string, values: readonly string[]): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT coalesce(sum(count), 0)::float8 AS n FROM dashboard_counts
    WHERE facet = ${facet} AND value = ANY(${values.map((value) => pgText(value))}::text[])`;
  return Number(row?.n ?? 0);
}
