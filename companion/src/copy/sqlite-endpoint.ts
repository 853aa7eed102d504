import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { BatchPlan, CopyEndpoint } from './copy-endpoint.ts';
import { COPY_KINDS, type CopyKind, type Row } from './copy-kinds.ts';

const HISTORY = COPY_KINDS.find((kind) => kind.table === 'history') as CopyKind;

function fromSqlite(kind: CopyKind, row: Row): Row {
  for (const column of kind.booleans ?? []) row[column] = row[column] === 1;
  return row;
}

function toSqlite(kind: CopyKind, row: Row): unknown[] {
  return kind.columns.map((column) =>
    kind.booleans?.includes(column) ? (row[column] ? 1 : 0) : (row[column] ?? null),
  );
}

/** A SQLite file, already migrated by openDatabase, on a connection of its own. */
export function sqliteEndpoint(path: string): CopyEndpoint {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  const orderOf = (kind: CopyKind) => kind.order.sqlite.split(', ');
  return {
    kind: 'sqlite',
    location: path,
    async identity() {
      const stat = statSync(path);
      return `sqlite:${stat.dev}:${stat.ino}`;
    },
    async snapshot() {
      // WAL: a read transaction's snapshot is taken at its first read, and writers are not blocked by it.
      db.exec('BEGIN DEFERRED');
      db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
      return async () => {
        if (db.inTransaction) db.exec('COMMIT');
      };
    },
    async count(kind) {
      return db.prepare(`SELECT count(*) FROM ${kind.table}`).pluck().get() as number;
    },
    async readPage(kind, after, limit) {
      const order = orderOf(kind);
      const select = `SELECT ${order.map((column, i) => `${column} AS o${i}`).join(', ')}, ${kind.columns.join(', ')} FROM ${kind.table}`;
      const where = after ? ` WHERE (${order.join(', ')}) > (${order.map(() => '?').join(', ')})` : '';
      const rows = db
        .prepare(`${select}${where} ORDER BY ${order.join(', ')} LIMIT ?`)
        .all(...(after ?? []), limit) as Row[];
      const lastRow = rows.at(-1);
      const last = lastRow ? order.map((_, i) => lastRow[`o${i}`]) : undefined;
      return { rows: rows.map((row) => fromSqlite(kind, row)), last };
    },
    async find(kind, columns, values) {
      if (values.length === 0) return [];
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const sql = `SELECT ${kind.columns.join(', ')} FROM ${kind.table} WHERE (${columns.join(', ')}) IN (VALUES ${values.map(() => tuple).join(', ')})`;
      return (db.prepare(sql).all(...values.flat()) as Row[]).map((row) => fromSqlite(kind, row));
    },
    async write(kind, plan: BatchPlan) {
      const columns = kind.columns.join(', ');
      const marks = kind.columns.map(() => '?').join(', ');
      const insert = db.prepare(`INSERT INTO ${kind.table} (${columns}) VALUES (${marks})`);
      const ignore = db.prepare(`INSERT OR IGNORE INTO ${kind.table} (${columns}) VALUES (${marks})`);
      const update = db.prepare(
        `UPDATE ${kind.table} SET ${kind.columns.map((column) => `${column} = ?`).join(', ')} WHERE (${kind.key.join(', ')}) = (${kind.key.map(() => '?').join(', ')})`,
      );
      const keepHistory = db.prepare(
        `INSERT OR IGNORE INTO history (${HISTORY.columns.join(', ')}) VALUES (${HISTORY.columns.map(() => '?').join(', ')})`,
      );
      const maxSeq = db
        .prepare(
          `SELECT max(coalesce((SELECT max(seq) FROM annotations), 0), coalesce((SELECT max(seq) FROM comparisons), 0),
             coalesce((SELECT max(seq) FROM conversation_ratings), 0))`,
        )
        .pluck();
      // IMMEDIATE: the write lock before max(seq), as the store takes it (a running companion waits).
      return db
        .transaction(() => {
          let added = 0;
          for (const row of plan.ignoring) added += ignore.run(...toSqlite(kind, row)).changes;
          for (const row of plan.history) keepHistory.run(...toSqlite(HISTORY, row));
          let seq = kind.mode === 'versioned' ? (maxSeq.get() as number) : 0;
          for (const { op, row } of plan.writes) {
            const values = kind.mode === 'versioned' ? { ...row, seq: ++seq } : row;
            if (op === 'insert') insert.run(...toSqlite(kind, values));
            else update.run(...toSqlite(kind, values), ...kind.key.map((column) => row[column]));
          }
          return added;
        })
        .immediate();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
