import type postgres from 'postgres';
import {
  type ImportRun,
  type ImportSummary,
  type Item,
  type ItemFacets,
  type ItemFilters,
  type Message,
  toEpoch,
} from '../../../../shared/index.ts';
import {
  batchTextHasher,
  COMPANION_DEVICE_IDS,
  conversationMarkKey,
  ITEM_PAGE,
  type ItemBatch,
  type ItemScan,
  type ItemStore,
} from '../item-store.ts';
import { pgText, type Sql } from './connect.ts';
import type { PostgresStore } from './postgres-store.ts';

/** Rows read per round trip while looking for the latest captured annotation. */
const CAPTURE_PAGE = 200;

interface RunRow {
  id: string;
  source: string;
  file: string;
  status: string;
  dry_run: boolean;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  summary: string;
  error: string | null;
}

function toRun(row: RunRow): ImportRun {
  return {
    id: row.id,
    source: row.source as ImportRun['source'],
    file: row.file,
    status: row.status as ImportRun['status'],
    dryRun: row.dry_run,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    summary: JSON.parse(row.summary) as ImportSummary,
    error: row.error,
  };
}

/** The Rate view's filters as SQL on `items i` for one annotator, with `$n` parameters. */
function unratedWhere(
  filters: ItemFilters,
  annotator: string,
): { where: string; params: postgres.ParameterOrJSON<never>[] } {
  const params: unknown[] = [];
  const add = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const who = add(pgText(annotator), 'text');
  const conditions = [
    `NOT EXISTS (SELECT 1 FROM annotations a WHERE a.key = i.key AND a.annotator = ${who} AND a.deleted_at IS NULL)`,
    `NOT EXISTS (SELECT 1 FROM item_skips s WHERE s.item_id = i.id AND s.annotator = ${who})`,
  ];
  if (filters.site) conditions.push(`i.site = ANY(${add(filters.site.map(pgText), 'text[]')})`);
  if (filters.model) conditions.push(`i.model = ANY(${add(filters.model.map(pgText), 'text[]')})`);
  if (filters.since !== undefined) conditions.push(`i.created_ms >= ${add(toEpoch(filters.since), 'bigint')}`);
  if (filters.until !== undefined) conditions.push(`i.created_ms < ${add(toEpoch(filters.until), 'bigint')}`);
  if (filters.minTurns !== undefined) conditions.push(`i.turns >= ${add(filters.minTurns, 'integer')}`);
  if (filters.maxTurns !== undefined) conditions.push(`i.turns <= ${add(filters.maxTurns, 'integer')}`);
  if (filters.hasCode !== undefined) conditions.push(`i.has_code = ${add(filters.hasCode, 'boolean')}`);
  return { where: conditions.join(' AND '), params: params as postgres.ParameterOrJSON<never>[] };
}

/** A scan's conditions as SQL on `items i`, with their parameters (the paging condition is added per page). */
function scanWhere(scan: ItemScan): {
  conditions: string[];
  add: (value: unknown, type: string) => string;
  params: unknown[];
} {
  const params: unknown[] = [];
  const add = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const conditions: string[] = [];
  if (scan.sources) conditions.push(`i.source = ANY(${add([...scan.sources], 'text[]')})`);
  if (scan.site) conditions.push(`i.site = ANY(${add(scan.site.map(pgText), 'text[]')})`);
  if (scan.model) conditions.push(`i.model = ANY(${add(scan.model.map(pgText), 'text[]')})`);
  if (scan.since !== undefined) conditions.push(`i.created_ms >= ${add(toEpoch(scan.since), 'bigint')}`);
  if (scan.until !== undefined) conditions.push(`i.created_ms < ${add(toEpoch(scan.until), 'bigint')}`);
  if (scan.unrated) {
    conditions.push('NOT EXISTS (SELECT 1 FROM annotations a WHERE a.key = i.key AND a.deleted_at IS NULL)');
  }
  return { conditions, add, params };
}

/**
 * Items and import runs on PostgreSQL, the same tables as SQLite's v7 (PG v2). Key and name columns
 * go through `pgText`, as the annotations' do, so an item still meets its annotation on `key`; the
 * item's own text lives in JSON (`body`, `item_texts.content`), which keeps U+0000 escaped.
 */
export class PostgresItemStore implements ItemStore {
  readonly #sql: Sql;

  constructor(store: PostgresStore) {
    this.#sql = store.sql;
  }

  async writeBatch(batch: ItemBatch, now: Date): Promise<{ added: number; present: number }> {
    const texts = new Map<string, Message>();
    const hasher = batchTextHasher();
    const rows = batch.items.map((item) => {
      const { context, ...rest } = item;
      const hashes = context.map((message) => {
        const { hash, first } = hasher(message);
        if (first) texts.set(hash, message);
        return hash;
      });
      return {
        id: pgText(item.id),
        key: pgText(item.key),
        source: item.source,
        site: pgText(item.site),
        conversation_id: pgText(item.conversationId),
        model: item.model === null ? null : pgText(item.model),
        created_ms: Date.parse(item.createdAt),
        turns: context.length + 1,
        has_code: /```/.test(item.response),
        run_id: batch.runId,
        context: JSON.stringify(hashes),
        body: JSON.stringify(rest),
      };
    });
    const textRows = [...texts].map(([hash, message]) => ({
      hash,
      role: message.role,
      content: JSON.stringify(message.content),
    }));
    const marks = batch.conversations.map((mark) => ({
      site: pgText(mark.site),
      conversation_id: pgText(mark.conversationId),
      fingerprint: mark.fingerprint,
      run_id: batch.runId,
      imported_at: now.toISOString(),
    }));
    return this.#sql.begin(async (tx) => {
      if (textRows.length > 0) {
        await tx`INSERT INTO item_texts ${tx(textRows, 'hash', 'role', 'content')} ON CONFLICT (hash) DO NOTHING`;
      }
      let added = 0;
      if (rows.length > 0) {
        // Ordered by key so two processes writing overlapping batches take row locks in one order.
        const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const inserted = await tx`
          INSERT INTO items ${tx(sorted)} ON CONFLICT DO NOTHING`;
        added = inserted.count;
      }
      if (marks.length > 0) {
        await tx`
          INSERT INTO history_conversations ${tx(marks)}
          ON CONFLICT (site, conversation_id) DO UPDATE SET fingerprint = excluded.fingerprint,
            run_id = excluded.run_id, imported_at = excluded.imported_at`;
      }
      return { added, present: batch.items.length - added };
    }) as Promise<{ added: number; present: number }>;
  }

  async fingerprints(conversations: readonly { site: string; conversationId: string }[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (conversations.length === 0) return found;
    const byStored = new Map(
      conversations.map((c) => [conversationMarkKey(pgText(c.site), pgText(c.conversationId)), c] as const),
    );
    const rows = await this.#sql<{ site: string; conversation_id: string; fingerprint: string }[]>`
      SELECT h.site, h.conversation_id, h.fingerprint
      FROM unnest(${conversations.map((c) => pgText(c.site))}::text[], ${conversations.map((c) => pgText(c.conversationId))}::text[])
        AS w(site, conversation_id)
      JOIN history_conversations h ON h.site = w.site AND h.conversation_id = w.conversation_id`;
    for (const row of rows) {
      const wanted = byStored.get(conversationMarkKey(row.site, row.conversation_id));
      if (wanted) found.set(conversationMarkKey(wanted.site, wanted.conversationId), row.fingerprint);
    }
    return found;
  }

  async existingRecordIds(kind: 'annotation' | 'comparison', ids: readonly string[]): Promise<Set<string>> {
    const table = kind === 'annotation' ? 'annotations' : 'comparisons';
    return this.#lookup(`SELECT id AS value FROM ${table} WHERE id = ANY($1::text[])`, ids);
  }

  async existingItemKeys(keys: readonly string[]): Promise<Set<string>> {
    return this.#lookup('SELECT key AS value FROM items WHERE key = ANY($1::text[])', keys);
  }

  /** The values (as the caller spelled them) that the query finds in their stored form. */
  async #lookup(sql: string, values: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (values.length === 0) return found;
    const rows = await this.#sql.unsafe<{ value: string }[]>(sql, [values.map(pgText)]);
    const stored = new Set(rows.map((row) => row.value));
    for (const value of values) if (stored.has(pgText(value))) found.add(value);
    return found;
  }

  async liveAnnotationIds(keys: readonly string[], annotator: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    const rows = await this.#sql<{ key: string; body: string }[]>`
      SELECT DISTINCT ON (key) key, body FROM annotations
      WHERE key = ANY(${keys.map(pgText)}::text[]) AND annotator = ${pgText(annotator)} AND deleted_at IS NULL
      ORDER BY key, seq`;
    const byStored = new Map(rows.map((row) => [row.key, (JSON.parse(row.body) as { id: string }).id]));
    for (const key of keys) {
      const id = byStored.get(pgText(key));
      if (id !== undefined) found.set(key, id);
    }
    return found;
  }

  async captureAnnotator(): Promise<string | null> {
    // `metadata.source` is read in JS: `jsonb` refuses a body holding U+0000.
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.#sql<{ seq: number; body: string }[]>`
        SELECT seq, body FROM annotations
        WHERE seq < ${before} AND device_id <> ALL(${[...COMPANION_DEVICE_IDS]}::text[]) AND site NOT IN ('api', 'review')
        ORDER BY seq DESC LIMIT ${CAPTURE_PAGE}`;
      for (const row of rows) {
        const body = JSON.parse(row.body) as { annotator: string; metadata?: Record<string, unknown> };
        if (body.metadata?.source === undefined) return body.annotator;
      }
      if (rows.length < CAPTURE_PAGE) return null;
      before = rows.at(-1)?.seq ?? 0;
    }
  }

  async get(id: string): Promise<Item | undefined> {
    const [row] = await this.#sql<{ body: string; context: string }[]>`
      SELECT body, context FROM items WHERE id = ${pgText(id)}`;
    if (!row) return undefined;
    const hashes = JSON.parse(row.context) as string[];
    const texts = hashes.length
      ? await this.#sql<{ hash: string; role: Message['role']; content: string }[]>`
          SELECT hash, role, content FROM item_texts WHERE hash = ANY(${hashes}::text[])`
      : [];
    const byHash = new Map(texts.map((text) => [text.hash, text]));
    const context = hashes.flatMap((hash) => {
      const text = byHash.get(hash);
      return text ? [{ role: text.role, content: JSON.parse(text.content) as string }] : [];
    });
    return { ...(JSON.parse(row.body) as Omit<Item, 'context'>), context } as Item;
  }

  async *iterateItems(scan: ItemScan = {}): AsyncIterable<Item> {
    const limit = scan.pageSize ?? ITEM_PAGE;
    let after: { ms: number; id: string } | null = null;
    for (;;) {
      const { conditions, add, params } = scanWhere(scan);
      // Keyset paging on (created_ms, id), which items_created covers.
      if (after !== null) {
        const ms = add(after.ms, 'bigint');
        conditions.push(`(i.created_ms > ${ms} OR (i.created_ms = ${ms} AND i.id > ${add(after.id, 'text')}))`);
      }
      const rows: { id: string; created_ms: string | number; body: string; context: string }[] = await this.#sql.unsafe(
        `SELECT i.id, i.created_ms, i.body, i.context FROM items i
         ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY i.created_ms, i.id LIMIT ${add(limit, 'integer')}`,
        params as postgres.ParameterOrJSON<never>[],
      );
      const hashes = [...new Set(rows.flatMap((row) => JSON.parse(row.context) as string[]))];
      const texts = hashes.length
        ? await this.#sql<{ hash: string; role: Message['role']; content: string }[]>`
            SELECT hash, role, content FROM item_texts WHERE hash = ANY(${hashes}::text[])`
        : [];
      const byHash = new Map(texts.map((text) => [text.hash, text]));
      for (const row of rows) {
        const context = (JSON.parse(row.context) as string[]).flatMap((hash) => {
          const text = byHash.get(hash);
          return text ? [{ role: text.role, content: JSON.parse(text.content) as string }] : [];
        });
        yield { ...(JSON.parse(row.body) as Omit<Item, 'context'>), context } as Item;
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < limit) return;
      after = { ms: Number(last.created_ms), id: last.id };
    }
  }

  async next(filters: ItemFilters, annotator: string): Promise<{ item: Item | null; remaining: number }> {
    const { where, params } = unratedWhere(filters, annotator);
    const [row] = await this.#sql.unsafe<{ remaining: number; id: string | null }[]>(
      `SELECT (SELECT count(*)::int FROM items i WHERE ${where}) AS remaining,
              (SELECT i.id FROM items i WHERE ${where} ORDER BY i.created_ms DESC, i.id LIMIT 1) AS id`,
      params,
    );
    const id = row?.id ?? null;
    return { item: id === null ? null : ((await this.get(id)) ?? null), remaining: row?.remaining ?? 0 };
  }

  async facets(annotator: string): Promise<ItemFacets> {
    const { where, params } = unratedWhere({}, annotator);
    const group = (column: string) =>
      this.#sql.unsafe<{ value: string; count: number }[]>(
        `SELECT ${column} AS value, count(*)::int AS count FROM items i WHERE ${where} AND ${column} IS NOT NULL
         GROUP BY ${column} ORDER BY count DESC, value`,
        params,
      );
    const [sites, models, [unrated]] = await Promise.all([
      group('i.site'),
      group('i.model'),
      this.#sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM items i WHERE ${where}`, params),
    ]);
    return {
      unrated: unrated?.n ?? 0,
      sites: sites.map(({ value, count }) => ({ value, count })),
      models: models.map(({ value, count }) => ({ value, count })),
    };
  }

  async skip(id: string, annotator: string, now: Date): Promise<boolean> {
    const [row] = await this.#sql<{ id: string }[]>`
      INSERT INTO item_skips (item_id, annotator, skipped_at)
      SELECT id, ${pgText(annotator)}, ${now.toISOString()} FROM items WHERE id = ${pgText(id)}
      ON CONFLICT DO NOTHING RETURNING item_id AS id`;
    return row !== undefined || (await this.#exists(id));
  }

  async unskip(id: string, annotator: string): Promise<boolean> {
    if (!(await this.#exists(id))) return false;
    await this.#sql`DELETE FROM item_skips WHERE item_id = ${pgText(id)} AND annotator = ${pgText(annotator)}`;
    return true;
  }

  async #exists(id: string): Promise<boolean> {
    const rows = await this.#sql`SELECT 1 FROM items WHERE id = ${pgText(id)}`;
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const [row] = await this.#sql<{ n: number }[]>`SELECT count(*)::int AS n FROM items`;
    return row?.n ?? 0;
  }

  async startRun(run: ImportRun): Promise<void> {
    await this.#sql`
      INSERT INTO import_runs (id, source, file, status, dry_run, started_at, updated_at, finished_at, summary, error)
      VALUES (${run.id}, ${run.source}, ${pgText(run.file)}, ${run.status}, ${run.dryRun}, ${run.startedAt},
        ${run.updatedAt}, ${run.finishedAt}, ${JSON.stringify(run.summary)}, ${run.error === null ? null : pgText(run.error)})`;
  }

  async updateRun(
    id: string,
    update: { status: ImportRun['status']; summary: ImportSummary; error?: string | null; now: Date },
  ): Promise<void> {
    const now = update.now.toISOString();
    const error = update.error ?? null;
    await this.#sql`
      UPDATE import_runs SET status = ${update.status}, summary = ${JSON.stringify(update.summary)},
        error = ${error === null ? null : pgText(error)}, updated_at = ${now},
        finished_at = ${update.status === 'running' ? null : now}
      WHERE id = ${id}`;
  }

  async interruptStaleRuns(staleBefore: Date, now: Date, error: string): Promise<number> {
    const result = await this.#sql`
      UPDATE import_runs SET status = 'interrupted', error = ${pgText(error)}, finished_at = updated_at,
        updated_at = ${now.toISOString()}
      WHERE status = 'running' AND updated_at < ${staleBefore.toISOString()}`;
    return result.count;
  }

  async getRun(id: string): Promise<ImportRun | undefined> {
    const [row] = await this.#sql<RunRow[]>`SELECT * FROM import_runs WHERE id = ${id}`;
    return row ? toRun(row) : undefined;
  }

  async listRuns(limit: number): Promise<ImportRun[]> {
    const rows = await this.#sql<RunRow[]>`SELECT * FROM import_runs ORDER BY started_at DESC, id LIMIT ${limit}`;
    return rows.map(toRun);
  }
}
