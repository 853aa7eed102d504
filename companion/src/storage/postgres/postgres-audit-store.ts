import type { AuditAction, AuditEntry } from '../../../../shared/index.ts';
import type { AuditQuery, AuditStore, NewAuditEntry } from '../audit-store.ts';
import type { Sql } from './connect.ts';

interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  target: string | null;
  details: string;
}

/** The audit log on PostgreSQL (migration 3). */
export class PostgresAuditStore implements AuditStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async append(entry: NewAuditEntry): Promise<void> {
    await this.#sql`INSERT INTO audit_log (at, actor, action, target, details)
      VALUES (${entry.at}, ${entry.actor}, ${entry.action}, ${entry.target}, ${JSON.stringify(entry.details)})`;
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const sql = this.#sql;
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    const rows = await sql<AuditRow[]>`
      SELECT id, at, actor, action, target, details FROM audit_log
      WHERE true
        ${query.actor === undefined ? sql`` : sql`AND actor = ${query.actor}`}
        ${since === undefined ? sql`` : sql`AND at >= ${since}`}
      ORDER BY id DESC LIMIT ${query.limit}`;
    return rows.map((row) => ({
      ...row,
      id: Number(row.id),
      details: JSON.parse(row.details) as AuditEntry['details'],
    }));
  }
}
