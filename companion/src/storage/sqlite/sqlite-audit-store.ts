import type Database from 'better-sqlite3';
import type { AuditAction, AuditEntry } from '../../../../shared/index.ts';
import type { AuditQuery, AuditStore, NewAuditEntry } from '../audit-store.ts';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  target: string | null;
  details: string;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return { ...row, id: Number(row.id), details: JSON.parse(row.details) as AuditEntry['details'] };
}

/** The audit log in the SQLite file (migration 8). */
export class SqliteAuditStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #insert;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare<[string, string, string, string | null, string]>(
      'INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)',
    );
  }

  async append(entry: NewAuditEntry): Promise<void> {
    this.#insert.run(entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.details));
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.actor !== undefined) {
      where.push('actor = ?');
      params.push(query.actor);
    }
    if (query.action !== undefined) {
      where.push('action = ?');
      params.push(query.action);
    }
    if (query.since !== undefined) {
      where.push('at >= ?');
      params.push(new Date(query.since).toISOString());
    }
    if (query.until !== undefined) {
      where.push('at < ?');
      params.push(new Date(query.until).toISOString());
    }
    if (query.before !== undefined) {
      where.push('id < ?');
      params.push(query.before);
    }
    const sql = `SELECT id, at, actor, action, target, details FROM audit_log
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], AuditRow>(sql)
      .all(...params, query.limit)
      .map(toAuditEntry);
  }

  async lastActivity(actors: readonly string[]): Promise<Map<string, string>> {
    // One indexed lookup per user (audit_log_actor is (actor, id)), not a scan of the whole log.
    const latest = this.#db.prepare<[string], { at: string }>(
      'SELECT at FROM audit_log WHERE actor = ? ORDER BY id DESC LIMIT 1',
    );
    const found = new Map<string, string>();
    for (const actor of actors) {
      const row = latest.get(actor);
      if (row) found.set(actor, row.at);
    }
    return found;
  }
}
