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
    const until = query.until === undefined ? undefined : new Date(query.until).toISOString();
    const rows = await sql<AuditRow[]>`
      SELECT id, at, actor, action, target, details FROM audit_log
      WHERE true
        ${query.actor === undefined ? sql`` : sql`AND actor = ${query.actor}`}
        ${query.action === undefined ? sql`` : sql`AND action = ${query.action}`}
        ${since === undefined ? sql`` : sql`AND at >= ${since}`}
        ${until === undefined ? sql`` : sql`AND at < ${until}`}
        ${query.before === undefined ? sql`` : sql`AND id < ${query.before}`}
      ORDER BY id DESC LIMIT ${query.limit}`;
    return rows.map((row) => ({
      ...row,
      id: Number(row.id),
      details: JSON.parse(row.details) as AuditEntry['details'],
    }));
  }

  async lastActivity(actors: readonly string[]): Promise<Map<string, string>> {
    if (actors.length === 0) return new Map();
    // A lateral lookup per user on audit_log_actor (actor, id), not a scan of the whole log.
    const rows = await this.#sql.unsafe<{ actor: string; at: string }[]>(
      `SELECT names.actor, latest.at
       FROM unnest($1::text[]) AS names(actor)
       CROSS JOIN LATERAL (
         SELECT at FROM audit_log WHERE audit_log.actor = names.actor ORDER BY id DESC LIMIT 1
       ) AS latest`,
      [[...actors]],
    );
    return new Map(rows.map((row) => [row.actor, row.at]));
  }
}
