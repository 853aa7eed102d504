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
    if (query.since !== undefined) {
      where.push('at >= ?');
      params.push(new Date(query.since).toISOString());
    }
    const sql = `SELECT id, at, actor, action, target, details FROM audit_log
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], AuditRow>(sql)
      .all(...params, query.limit)
      .map(toAuditEntry);
  }
}
