import type { ReservedSql } from 'postgres';
import { connectPostgres, describePostgresUrl, pgText, type Sql } from '../storage/postgres/connect.ts';
import type { BatchPlan, CopyEndpoint } from './copy-endpoint.ts';
import { COPY_KINDS, type CopyKind, type Row } from './copy-kinds.ts';

const HISTORY = COPY_KINDS.find((kind) => kind.table === 'history') as CopyKind;

function fromPostgres(kind: CopyKind, row: Row): Row {
  for (const column of kind.jsonText ?? []) row[column] = JSON.parse(row[column] as string);
  return row;
}

/** Column values as PostgreSQL takes them: U+0000 cannot be in text (the JSON bodies keep it escaped). */
function toPostgres(kind: CopyKind, row: Row): Row {
  const out: Row = {};
  for (const column of kind.columns) {
    const value = row[column] ?? null;
    out[column] = kind.jsonText?.includes(column)
      ? JSON.stringify(value)
      : typeof value === 'string'
        ? pgText(value)
        : value;
  }
  return out;
}

/** A PostgreSQL database, already migrated by openDatabase, on a small pool of its own. */
export function postgresEndpoint(url: string): CopyEndpoint {
  const sql = connectPostgres(url, { max: 2 });
  /** Where reads go: the pool, or the one connection holding the snapshot while there is one. */
  let reader: Sql | ReservedSql = sql;
  const orderOf = (kind: CopyKind) => kind.order.postgres.split(', ');
  return {
    kind: 'postgres',
    location: describePostgresUrl(url),
    async identity() {
      // The server's start time, address and port, and the database: the same for two URLs naming one database.
      const [row] = await sql<{ id: string }[]>`
        SELECT concat_ws(':', pg_postmaster_start_time()::text, inet_server_addr()::text, inet_server_port()::text,
          current_database()) AS id`;
      return `postgres:${row?.id}`;
    },
    async snapshot() {
      const reserved = await sql.reserve();
      // READ ONLY too: the source of a copy is never written through this connection.
      await reserved.unsafe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      reader = reserved;
      return async () => {
        reader = sql;
        try {
          await reserved.unsafe('COMMIT');
        } finally {
          reserved.release();
        }
      };
    },
    async count(kind) {
      const [row] = await reader.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${kind.table}`);
      return row?.n ?? 0;
    },
    async readPage(kind, after, limit) {
      const order = orderOf(kind);
      const params: unknown[] = [...(after ?? []), limit];
      const where = after ? ` WHERE (${order.join(', ')}) > (${order.map((_, i) => `$${i + 1}`).join(', ')})` : '';
      const rows = await reader.unsafe<Row[]>(
        `SELECT ${order.map((column, i) => `${column} AS o${i}`).join(', ')}, ${kind.columns.join(', ')}
         FROM ${kind.table}${where} ORDER BY ${order.join(', ')} LIMIT $${params.length}`,
        params as never[],
      );
      const lastRow = rows.at(-1);
      const last = lastRow ? order.map((_, i) => lastRow[`o${i}`]) : undefined;
      return { rows: rows.map((row) => fromPostgres(kind, { ...row })), last };
    },
    async find(kind, columns, values) {
      if (values.length === 0) return [];
      const params = values.flatMap((tuple) =>
        tuple.map((value) => (typeof value === 'string' ? pgText(value) : value)),
      );
      let n = 0;
      const tuples = values.map((tuple) => `(${tuple.map(() => `$${++n}::text`).join(', ')})`).join(', ');
      const rows = await reader.unsafe<Row[]>(
        `SELECT ${kind.columns.join(', ')} FROM ${kind.table} WHERE (${columns.join(', ')}) IN (VALUES ${tuples})`,
        params as never[],
      );
      return rows.map((row) => fromPostgres(kind, { ...row }));
    },
    async write(kind, plan: BatchPlan) {
      return sql.begin(async (tx) => {
        let added = 0;
        if (plan.ignoring.length > 0) {
          const rows = plan.ignoring.map((row) => toPostgres(kind, row));
          const inserted =
            await tx`INSERT INTO ${tx(kind.table)} ${tx(rows, ...kind.columns)} ON CONFLICT DO NOTHING RETURNING 1`;
          added = inserted.length;
        }
        if (plan.history.length > 0) {
          const rows = plan.history.map((row) => toPostgres(HISTORY, row));
          await tx`INSERT INTO history ${tx(rows, ...HISTORY.columns)} ON CONFLICT DO NOTHING`;
        }
        if (plan.writes.length === 0) return added;
        let seq = 0;
        if (kind.mode === 'versioned') {
          // The counter's row lock, held to the commit: copies and pushes commit in sequence order.
          const [row] = await tx<{ last_seq: number }[]>`
            UPDATE sync_sequence SET last_seq = last_seq + ${plan.writes.length} RETURNING last_seq`;
          seq = (row?.last_seq ?? 0) - plan.writes.length;
        }
        const inserts: Row[] = [];
        for (const { op, row } of plan.writes) {
          const values = toPostgres(kind, kind.mode === 'versioned' ? { ...row, seq: ++seq } : row);
          if (op === 'insert') {
            inserts.push(values);
            continue;
          }
          const key = kind.key.map((column) => values[column]);
          const sets = kind.columns.map((column, i) => `${column} = $${i + 1}`).join(', ');
          const where = kind.key.map((column, i) => `${column} = $${kind.columns.length + i + 1}`).join(' AND ');
          await tx.unsafe(`UPDATE ${kind.table} SET ${sets} WHERE ${where}`, [
            ...kind.columns.map((column) => values[column]),
            ...key,
          ] as never[]);
        }
        if (inserts.length > 0) await tx`INSERT INTO ${tx(kind.table)} ${tx(inserts, ...kind.columns)}`;
        return added;
      });
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
