import type { Annotation } from '../../../../shared/index.ts';
import { CountDeltas } from '../dashboard-counts.ts';
import { dashboardValues } from '../dashboard-values.ts';
import { documentTerms } from '../search-terms.ts';
import { pgText, type Sql, type Tx } from './connect.ts';
import { applyCountDeltas } from './dashboard-counts-sql.ts';

/** Rows indexed per transaction. */
const INDEX_CHUNK = 500;

/**
 * Fills the dashboard's tables derived from `annotations` (as dashboard-indexer.ts does for SQLite):
 * a row per annotation, its excerpts, tags and search terms, everything above the watermark
 * `indexed_seq`. Sequence numbers become visible in order (the counter's lock), so "above the
 * watermark" is exactly what changed. Several companion processes may index at once: each chunk
 * locks the watermark's row, so they take turns and never index a change twice. The kept counts
 * (dashboard-counts.ts) change in the same transaction, so they always equal a count of the rows.
 */
export class PostgresIndexer {
  readonly #sql: Sql;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #busy: Promise<unknown> | undefined;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async watermark(): Promise<number> {
    const [row] = await this.#sql<{ value: number }[]>`SELECT value FROM dashboard_state WHERE name = 'indexed_seq'`;
    return row?.value ?? 0;
  }

  async pending(): Promise<number> {
    const [row] = await this.#sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM annotations
      WHERE seq > (SELECT value FROM dashboard_state WHERE name = 'indexed_seq')`;
    return row?.n ?? 0;
  }

  /** Indexes up to `maxRows` changed annotations, in transactions of a few hundred; returns how many. */
  async catchUp(maxRows = Number.POSITIVE_INFINITY): Promise<number> {
    let done = 0;
    while (done < maxRows) {
      const chunk = Math.min(INDEX_CHUNK, maxRows - done);
      const indexed = await this.#sql.begin(async (tx) => {
        const [state] = await tx<{ value: number }[]>`
          SELECT value FROM dashboard_state WHERE name = 'indexed_seq' FOR UPDATE`;
        const rows = await tx<{ seq: number; body: string }[]>`
          SELECT seq, body FROM annotations WHERE seq > ${state?.value ?? 0} ORDER BY seq LIMIT ${chunk}`;
        if (rows.length === 0) return 0;
        await indexRows(
          tx,
          rows.map((row) => JSON.parse(row.body) as Annotation),
        );
        await tx`UPDATE dashboard_state SET value = ${rows.at(-1)?.seq ?? 0} WHERE name = 'indexed_seq'`;
        return rows.length;
      });
      done += indexed;
      if (indexed < chunk) break;
    }
    return done;
  }

  /**
   * Keeps the index caught up in the background, a chunk at a time, then a pause while nothing changes.
   * While changes keep arriving (a large sync, from this process or another), it waits for a quiet
   * moment, as the SQLite indexer does, so the pushes keep the companion's thread and the database, but
   * never more than `maxDeferMs` between chunks; a query catches up on small backlogs itself anyway.
   * Before, it indexed chunk after chunk during a push and took a share of every push's time.
   */
  start(idleIntervalMs = 250, maxDeferMs = 2_000): void {
    if (this.#running) return;
    this.#running = true;
    let lastSeq: number | undefined;
    let lastChunkAt = performance.now();
    const tick = () => {
      if (!this.#running) return;
      const run = (async () => {
        const seq = await this.#lastSeq();
        const writing = lastSeq !== undefined && seq !== lastSeq;
        lastSeq = seq;
        if (writing && performance.now() - lastChunkAt < maxDeferMs) return 0;
        const indexed = await this.catchUp(INDEX_CHUNK);
        lastChunkAt = performance.now();
        return indexed;
      })().catch(() => 0); // the database restarting, or closing: try again on the next tick
      this.#busy = run;
      run.then((indexed) => {
        if (!this.#running) return;
        this.#timer = setTimeout(tick, indexed === INDEX_CHUNK ? 0 : idleIntervalMs);
        this.#timer.unref();
      });
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref();
  }

  /** The last sequence number handed out, by any process: it moves while changes arrive. */
  async #lastSeq(): Promise<number> {
    const [row] = await this.#sql<{ last_seq: number }[]>`SELECT last_seq FROM sync_sequence`;
    return Number(row?.last_seq ?? 0);
  }

  /** Stops the background loop and waits for a chunk in progress. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#busy;
  }
}

interface IndexedRow {
  ix: number;
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  created_ms: string | number;
  tags: string[];
}

/**
 * What the live rows about to be re-indexed counted under (dashboard_tags holds a live row's tags
 * only), taken away from the kept counts. An id twice in one chunk cannot happen: one row per id.
 */
async function countBefore(tx: Tx, ids: string[], deltas: CountDeltas): Promise<void> {
  const before = await tx<IndexedRow[]>`
    SELECT r.ix, r.site, r.model, r.annotator, r.thumb, r.score, r.created_ms,
      coalesce((SELECT array_agg(t.tag) FROM dashboard_tags t WHERE t.ix = r.ix), '{}') AS tags
    FROM dashboard_rows r WHERE r.id = ANY(${ids}::text[]) AND NOT r.deleted`;
  for (const row of before) deltas.add({ ...row, createdMs: Number(row.created_ms) }, -1);
}

async function indexRows(tx: Tx, annotations: Annotation[]): Promise<void> {
  const values = annotations.map(dashboardValues);
  const text = pgText;
  const deltas = new CountDeltas();
  await countBefore(
    tx,
    values.map((v) => text(v.id)),
    deltas,
  );
  for (const v of values) {
    if (v.deleted) continue;
    deltas.add(
      {
        ...v,
        site: text(v.site),
        model: text(v.model),
        annotator: text(v.annotator),
        tags: v.tags.map((tag) => text(tag)),
      },
      1,
    );
  }
  const indexed = await tx.unsafe<{ ix: number; id: string }[]>(
    `INSERT INTO dashboard_rows (id, site, model, annotator, thumb, score, created_ms, deleted, has_comment, has_correction)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[],
       $8::boolean[], $9::boolean[], $10::boolean[])
     ON CONFLICT (id) DO UPDATE SET site = excluded.site, model = excluded.model, annotator = excluded.annotator,
       thumb = excluded.thumb, score = excluded.score, created_ms = excluded.created_ms, deleted = excluded.deleted,
       has_comment = excluded.has_comment, has_correction = excluded.has_correction
     RETURNING ix, id`,
    [
      values.map((v) => text(v.id)),
      values.map((v) => v.site),
      values.map((v) => text(v.model)),
      values.map((v) => text(v.annotator)),
      values.map((v) => v.thumb),
      values.map((v) => v.score),
      values.map((v) => v.createdMs),
      values.map((v) => v.deleted),
      values.map((v) => v.hasComment),
      values.map((v) => v.hasCorrection),
    ],
  );
  const ixOf = new Map(indexed.map((row) => [row.id, row.ix]));
  const ixs = values.map((v) => ixOf.get(text(v.id)) as number);
  await Promise.all([
    tx`DELETE FROM dashboard_tags WHERE ix = ANY(${ixs}::bigint[])`,
    tx`DELETE FROM dashboard_text WHERE ix = ANY(${ixs}::bigint[])`,
    tx.unsafe(
      `INSERT INTO dashboard_excerpts (ix, created_at, updated_at, comment_excerpt, response_excerpt, tags)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (ix) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
         comment_excerpt = excluded.comment_excerpt, response_excerpt = excluded.response_excerpt, tags = excluded.tags`,
      [
        ixs,
        values.map((v) => v.createdAt),
        values.map((v) => v.updatedAt),
        values.map((v) => text(v.commentExcerpt)),
        values.map((v) => text(v.responseExcerpt)),
        // The tags as JSON, where U+0000 is escaped: what the table shows is exact.
        values.map((v) => JSON.stringify(v.tags)),
      ],
    ),
  ]);
  // A tombstone is listed nowhere and found by no search.
  const live = annotations.flatMap((annotation, index) =>
    annotation.deletedAt === null ? [{ annotation, index }] : [],
  );
  const tagIx: number[] = [];
  const tags: string[] = [];
  for (const { annotation, index } of live) {
    for (const tag of annotation.tags) {
      tagIx.push(ixs[index] as number);
      tags.push(text(tag));
    }
  }
  await Promise.all([
    tags.length > 0
      ? tx`INSERT INTO dashboard_tags (tag, ix) SELECT * FROM unnest(${tags}::text[], ${tagIx}::bigint[])
           ON CONFLICT DO NOTHING`
      : undefined,
    live.length > 0
      ? tx`INSERT INTO dashboard_text (ix, terms)
           SELECT ix, array_to_tsvector(string_to_array(terms, ' '))
           FROM unnest(${live.map(({ index }) => ixs[index] as number)}::bigint[], ${live.map(({ annotation }) =>
             documentTerms(annotation.response, annotation.comment, annotation.correction ?? '').join(' '),
           )}::text[]) AS t (ix, terms)`
      : undefined,
  ]);
  await applyCountDeltas(tx, deltas.rows());
}
