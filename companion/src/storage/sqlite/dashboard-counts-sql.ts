import type Database from 'better-sqlite3';
import type { CountRow } from '../dashboard-counts.ts';

/** The dashboard's kept counts on SQLite (dashboard-counts.ts says what they are for). */

const STATS = `count(*), coalesce(sum(r.thumb = 'up'), 0), coalesce(sum(r.thumb = 'down'), 0),
  coalesce(sum(r.score), 0), count(r.score)`;

/**
 * Migration 11: the table, filled from the index as it stands (its watermark moves only with the
 * counts from now on, in the indexer's transaction). At a million rows this reads the index once,
 * a few seconds, at the first start of the new version.
 */
export function createDashboardCounts(db: Database.Database): void {
  db.exec(`
    CREATE TABLE dashboard_counts (
      facet TEXT NOT NULL,
      value TEXT NOT NULL,
      count INTEGER NOT NULL,
      up INTEGER NOT NULL,
      down INTEGER NOT NULL,
      score_sum INTEGER NOT NULL,
      scored INTEGER NOT NULL,
      PRIMARY KEY (facet, value)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'total', '', ${STATS} FROM dashboard_rows r WHERE r.deleted = 0 HAVING count(*) > 0;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'site', r.site, ${STATS} FROM dashboard_rows r WHERE r.deleted = 0 GROUP BY r.site;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'model', r.model, ${STATS} FROM dashboard_rows r WHERE r.deleted = 0 AND r.model IS NOT NULL
      GROUP BY r.model;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'no-model', '', ${STATS} FROM dashboard_rows r WHERE r.deleted = 0 AND r.model IS NULL
      HAVING count(*) > 0;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'annotator', r.annotator, ${STATS} FROM dashboard_rows r WHERE r.deleted = 0 GROUP BY r.annotator;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'day', CAST(r.created_ms / 86400000 AS TEXT), ${STATS} FROM dashboard_rows r WHERE r.deleted = 0
      GROUP BY r.created_ms / 86400000;
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'score-bucket', CAST(min(r.score / 10, 9) AS TEXT), ${STATS} FROM dashboard_rows r
      WHERE r.deleted = 0 AND r.score IS NOT NULL GROUP BY min(r.score / 10, 9);
    INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
      SELECT 'tag', t.tag, ${STATS} FROM dashboard_tags t JOIN dashboard_rows r ON r.ix = t.ix
      WHERE r.deleted = 0 GROUP BY t.tag;
  `);
}

/** Statements that read and change the kept counts. */
export interface DashboardCountStatements {
  apply(rows: readonly CountRow[]): void;
  all: Database.Statement<[], CountRow>;
  of: Database.Statement<[string, string], number>;
}

/** Named, so the published package's declarations can name it (`npm pack` emits .d.ts files). */
export function dashboardCountStatements(db: Database.Database): DashboardCountStatements {
  const upsert = db.prepare<CountRow>(
    `INSERT INTO dashboard_counts (facet, value, count, up, down, score_sum, scored)
     VALUES (@facet, @value, @count, @up, @down, @scoreSum, @scored)
     ON CONFLICT (facet, value) DO UPDATE SET count = count + excluded.count, up = up + excluded.up,
       down = down + excluded.down, score_sum = score_sum + excluded.score_sum, scored = scored + excluded.scored`,
  );
  const dropEmpty = db.prepare<[string, string]>(
    'DELETE FROM dashboard_counts WHERE facet = ? AND value = ? AND count = 0',
  );
  return {
    /** Applies a batch's changes; a value no live row has any more leaves the table (and the filters). */
    apply(rows: readonly CountRow[]): void {
      for (const row of rows) {
        upsert.run(row);
        dropEmpty.run(row.facet, row.value);
      }
    },
    /** Every kept row, most first: the order the facets and charts show. */
    all: db.prepare<[], CountRow>(
      `SELECT facet, value, count, up, down, score_sum AS scoreSum, scored FROM dashboard_counts
       ORDER BY count DESC, value`,
    ),
    /** The counts of some values of one facet. */
    of: db
      .prepare<[string, string], number>(
        'SELECT coalesce(sum(count), 0) FROM dashboard_counts WHERE facet = ? AND value IN (SELECT value FROM json_each(?))',
      )
      .pluck(),
  };
}
