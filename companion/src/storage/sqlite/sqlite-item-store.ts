import type Database from 'better-sqlite3';
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
import type { SqliteStore } from './sqlite-store.ts';

/** How much of a long list goes into one `IN (…)` lookup. */
const LOOKUP_CHUNK = 500;

interface RunRow {
  id: string;
  source: string;
  file: string;
  status: string;
  dry_run: number;
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
    dryRun: row.dry_run === 1,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    summary: JSON.parse(row.summary) as ImportSummary,
    error: row.error,
  };
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += LOOKUP_CHUNK) out.push(values.slice(i, i + LOOKUP_CHUNK));
  return out;
}

/** The Rate view's filters as SQL on `items i`, for one annotator. */
function unratedWhere(filters: ItemFilters, annotator: string): { where: string; params: Record<string, unknown> } {
  const conditions = [
    'NOT EXISTS (SELECT 1 FROM annotations a WHERE a.key = i.key AND a.annotator = @annotator AND a.deleted_at IS NULL)',
    'NOT EXISTS (SELECT 1 FROM item_skips s WHERE s.item_id = i.id AND s.annotator = @annotator)',
  ];
  const params: Record<string, unknown> = { annotator };
  if (filters.site) {
    conditions.push('i.site IN (SELECT value FROM json_each(@site))');
    params.site = JSON.stringify(filters.site);
  }
  if (filters.model) {
    conditions.push('i.model IN (SELECT value FROM json_each(@model))');
    params.model = JSON.stringify(filters.model);
  }
  if (filters.since !== undefined) {
    conditions.push('i.created_ms >= @since');
    params.since = toEpoch(filters.since);
  }
  if (filters.until !== undefined) {
    conditions.push('i.created_ms < @until');
    params.until = toEpoch(filters.until);
  }
  if (filters.minTurns !== undefined) {
    conditions.push('i.turns >= @minTurns');
    params.minTurns = filters.minTurns;
  }
  if (filters.maxTurns !== undefined) {
    conditions.push('i.turns <= @maxTurns');
    params.maxTurns = filters.maxTurns;
  }
  if (filters.hasCode !== undefined) {
    conditions.push('i.has_code = @hasCode');
    params.hasCode = filters.hasCode ? 1 : 0;
  }
  return { where: conditions.join(' AND '), params };
}

/** A scan's conditions as SQL on `items i` (the paging condition is added per page). */
function scanWhere(scan: ItemScan): { conditions: string[]; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const within = (column: string, name: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    conditions.push(`${column} IN (SELECT value FROM json_each(@${name}))`);
    params[name] = JSON.stringify(values);
  };
  within('i.source', 'sources', scan.sources);
  within('i.site', 'site', scan.site);
  within('i.model', 'model', scan.model);
  if (scan.since !== undefined) {
    conditions.push('i.created_ms >= @since');
    params.since = toEpoch(scan.since);
  }
  if (scan.until !== undefined) {
    conditions.push('i.created_ms < @until');
    params.until = toEpoch(scan.until);
  }
  if (scan.unrated) {
    conditions.push('NOT EXISTS (SELECT 1 FROM annotations a WHERE a.key = i.key AND a.deleted_at IS NULL)');
  }
  return { conditions, params };
}

/** Items and import runs in the companion's SQLite database, beside the annotations they meet. */
export class SqliteItemStore implements ItemStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(store: SqliteStore) {
    const db = store.database;
    this.#db = db;
    this.#statements = {
      insertText: db.prepare('INSERT OR IGNORE INTO item_texts (hash, role, content) VALUES (?, ?, ?)'),
      insertItem: db.prepare(
        `INSERT INTO items (id, key, source, site, conversation_id, model, created_ms, turns, has_code, run_id, context, body)
         VALUES (@id, @key, @source, @site, @conversationId, @model, @createdMs, @turns, @hasCode, @runId, @context, @body)
         ON CONFLICT (key) DO NOTHING`,
      ),
      mark: db.prepare(
        `INSERT INTO history_conversations (site, conversation_id, fingerprint, run_id, imported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (site, conversation_id) DO UPDATE SET fingerprint = excluded.fingerprint, run_id = excluded.run_id,
           imported_at = excluded.imported_at`,
      ),
      fingerprint: db
        .prepare<[string, string], string>(
          'SELECT fingerprint FROM history_conversations WHERE site = ? AND conversation_id = ?',
        )
        .pluck(),
      item: db.prepare<[string], { body: string; context: string }>('SELECT body, context FROM items WHERE id = ?'),
      texts: db.prepare<[string], Message>(
        'SELECT t.role, t.content FROM json_each(?) j JOIN item_texts t ON t.hash = j.value ORDER BY j.key',
      ),
      captureAnnotator: db
        .prepare<[string], string>(
          `SELECT annotator FROM annotations
           WHERE device_id NOT IN (SELECT value FROM json_each(?)) AND site NOT IN ('api', 'review')
             AND json_extract(body, '$.metadata.source') IS NULL
           ORDER BY seq DESC LIMIT 1`,
        )
        .pluck(),
      skip: db.prepare('INSERT OR IGNORE INTO item_skips (item_id, annotator, skipped_at) VALUES (?, ?, ?)'),
      unskip: db.prepare('DELETE FROM item_skips WHERE item_id = ? AND annotator = ?'),
      count: db.prepare<[], number>('SELECT count(*) FROM items').pluck(),
      insertRun: db.prepare(
        `INSERT INTO import_runs (id, source, file, status, dry_run, started_at, updated_at, finished_at, summary, error)
         VALUES (@id, @source, @file, @status, @dryRun, @startedAt, @updatedAt, @finishedAt, @summary, @error)`,
      ),
      updateRun: db.prepare(
        `UPDATE import_runs SET status = @status, summary = @summary, error = @error, updated_at = @now,
           finished_at = CASE WHEN @status = 'running' THEN NULL ELSE @now END
         WHERE id = @id`,
      ),
      interruptStale: db.prepare(
        `UPDATE import_runs SET status = 'interrupted', error = @error, finished_at = updated_at, updated_at = @now
         WHERE status = 'running' AND updated_at < @staleBefore`,
      ),
      run: db.prepare<[string], RunRow>('SELECT * FROM import_runs WHERE id = ?'),
      runs: db.prepare<[number], RunRow>('SELECT * FROM import_runs ORDER BY started_at DESC, id LIMIT ?'),
    };
  }

  async writeBatch(batch: ItemBatch, now: Date): Promise<{ added: number; present: number }> {
    const statements = this.#statements;
    const hasher = batchTextHasher();
    const hashOf = (message: Message) => {
      const { hash, first } = hasher(message);
      if (first) statements.insertText.run(hash, message.role, message.content);
      return hash;
    };
    return this.#db
      .transaction(() => {
        let added = 0;
        for (const item of batch.items) {
          const { context, ...rest } = item;
          const result = statements.insertItem.run({
            id: item.id,
            key: item.key,
            source: item.source,
            site: item.site,
            conversationId: item.conversationId,
            model: item.model,
            createdMs: Date.parse(item.createdAt),
            turns: context.length + 1,
            hasCode: /```/.test(item.response) ? 1 : 0,
            runId: batch.runId,
            context: JSON.stringify(context.map(hashOf)),
            body: JSON.stringify(rest),
          });
          added += result.changes;
        }
        for (const mark of batch.conversations) {
          statements.mark.run(mark.site, mark.conversationId, mark.fingerprint, batch.runId, now.toISOString());
        }
        return { added, present: batch.items.length - added };
      })
      .immediate();
  }

  async fingerprints(conversations: readonly { site: string; conversationId: string }[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const { site, conversationId } of conversations) {
      const fingerprint = this.#statements.fingerprint.get(site, conversationId);
      if (fingerprint !== undefined) found.set(conversationMarkKey(site, conversationId), fingerprint);
    }
    return found;
  }

  async existingRecordIds(kind: 'annotation' | 'comparison', ids: readonly string[]): Promise<Set<string>> {
    const table = kind === 'annotation' ? 'annotations' : 'comparisons';
    return this.#lookup(`SELECT id FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`, ids);
  }

  async existingItemKeys(keys: readonly string[]): Promise<Set<string>> {
    return this.#lookup('SELECT key FROM items WHERE key IN (SELECT value FROM json_each(?))', keys);
  }

  #lookup(sql: string, values: readonly string[]): Set<string> {
    const statement = this.#db.prepare<[string], string>(sql).pluck();
    const found = new Set<string>();
    for (const chunk of chunks(values)) for (const value of statement.all(JSON.stringify(chunk))) found.add(value);
    return found;
  }

  async liveAnnotationIds(keys: readonly string[], annotator: string): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(keys)) {
      const rows = this.#db
        .prepare<[string, string], { key: string; id: string }>(
          `SELECT key, id FROM annotations
           WHERE key IN (SELECT value FROM json_each(?)) AND annotator = ? AND deleted_at IS NULL ORDER BY seq`,
        )
        .all(JSON.stringify(chunk), annotator);
      for (const row of rows) if (!found.has(row.key)) found.set(row.key, row.id);
    }
    return found;
  }

  async captureAnnotator(): Promise<string | null> {
    return this.#statements.captureAnnotator.get(JSON.stringify(COMPANION_DEVICE_IDS)) ?? null;
  }

  async get(id: string): Promise<Item | undefined> {
    const row = this.#statements.item.get(id);
    if (!row) return undefined;
    const context = this.#statements.texts.all(row.context).map(({ role, content }) => ({ role, content }));
    return { ...(JSON.parse(row.body) as Omit<Item, 'context'>), context } as Item;
  }

  async *iterateItems(scan: ItemScan = {}): AsyncIterable<Item> {
    const { conditions, params } = scanWhere(scan);
    // Keyset paging on (created_ms, id), which items_created covers: rows written while the scan
    // runs neither shift a page nor are read twice.
    const where = [...conditions, '(i.created_ms > @afterMs OR (i.created_ms = @afterMs AND i.id > @afterId))'];
    const page = this.#db.prepare<
      Record<string, unknown>,
      { id: string; created_ms: number; body: string; context: string }
    >(
      `SELECT i.id, i.created_ms, i.body, i.context FROM items i WHERE ${where.join(' AND ')}
       ORDER BY i.created_ms, i.id LIMIT @limit`,
    );
    let after = { afterMs: Number.MIN_SAFE_INTEGER, afterId: '' };
    for (;;) {
      const rows = page.all({ ...params, ...after, limit: scan.pageSize ?? ITEM_PAGE });
      for (const row of rows) {
        const context = this.#statements.texts.all(row.context).map(({ role, content }) => ({ role, content }));
        yield { ...(JSON.parse(row.body) as Omit<Item, 'context'>), context } as Item;
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < (scan.pageSize ?? ITEM_PAGE)) return;
      after = { afterMs: last.created_ms, afterId: last.id };
    }
  }

  async next(filters: ItemFilters, annotator: string): Promise<{ item: Item | null; remaining: number }> {
    const { where, params } = unratedWhere(filters, annotator);
    const remaining = this.#db.prepare(`SELECT count(*) FROM items i WHERE ${where}`).pluck().get(params) as number;
    const id = this.#db
      .prepare(`SELECT i.id FROM items i WHERE ${where} ORDER BY i.created_ms DESC, i.id LIMIT 1`)
      .pluck()
      .get(params) as string | undefined;
    return { item: id === undefined ? null : ((await this.get(id)) ?? null), remaining };
  }

  async facets(annotator: string): Promise<ItemFacets> {
    const { where, params } = unratedWhere({}, annotator);
    const group = (column: string) =>
      this.#db
        .prepare(
          `SELECT ${column} AS value, count(*) AS count FROM items i WHERE ${where} AND ${column} IS NOT NULL
           GROUP BY ${column} ORDER BY count DESC, value`,
        )
        .all(params) as { value: string; count: number }[];
    const unrated = this.#db.prepare(`SELECT count(*) FROM items i WHERE ${where}`).pluck().get(params) as number;
    return { unrated, sites: group('i.site'), models: group('i.model') };
  }

  async skip(id: string, annotator: string, now: Date): Promise<boolean> {
    if (this.#statements.item.get(id) === undefined) return false;
    this.#statements.skip.run(id, annotator, now.toISOString());
    return true;
  }

  async unskip(id: string, annotator: string): Promise<boolean> {
    if (this.#statements.item.get(id) === undefined) return false;
    this.#statements.unskip.run(id, annotator);
    return true;
  }

  async count(): Promise<number> {
    return this.#statements.count.get() ?? 0;
  }

  async startRun(run: ImportRun): Promise<void> {
    this.#statements.insertRun.run({ ...run, dryRun: run.dryRun ? 1 : 0, summary: JSON.stringify(run.summary) });
  }

  async updateRun(
    id: string,
    update: { status: ImportRun['status']; summary: ImportSummary; error?: string | null; now: Date },
  ): Promise<void> {
    this.#statements.updateRun.run({
      id,
      status: update.status,
      summary: JSON.stringify(update.summary),
      error: update.error ?? null,
      now: update.now.toISOString(),
    });
  }

  async interruptStaleRuns(staleBefore: Date, now: Date, error: string): Promise<number> {
    return this.#statements.interruptStale.run({
      staleBefore: staleBefore.toISOString(),
      now: now.toISOString(),
      error,
    }).changes;
  }

  async getRun(id: string): Promise<ImportRun | undefined> {
    const row = this.#statements.run.get(id);
    return row ? toRun(row) : undefined;
  }

  async listRuns(limit: number): Promise<ImportRun[]> {
    return this.#statements.runs.all(limit).map(toRun);
  }
}
