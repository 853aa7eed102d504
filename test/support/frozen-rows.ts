import type Database from 'better-sqlite3';
import { versionHashOf } from '../../companion/src/storage/version-hash.ts';
import type { Annotation, Comparison } from '../../shared/index.ts';

/**
 * A record as an older Margin stored it: every column any past schema had for annotations or
 * comparisons. Callers insert only the columns the table has at their version (`insertKnownColumns`).
 */
export function frozenRow(record: Annotation | Comparison, seq: number): Record<string, unknown> {
  return {
    id: record.id,
    seq,
    annotator: record.annotator,
    revision: record.revision,
    updated_at: record.updatedAt,
    updated_at_ms: Date.parse(record.updatedAt),
    deleted_at: record.deletedAt,
    device_id: 'frozen-device',
    hash: versionHashOf(record),
    received_at: record.updatedAt,
    body: JSON.stringify(record),
    ...('key' in record
      ? { key: record.key, site: record.site, conversation_id: record.conversationId }
      : { a: record.a, b: record.b }),
  };
}

/** Inserts `row` into `table` of a SQLite store, leaving out what that table has no column for. */
export function insertKnownColumns(db: Database.Database, table: string, row: Record<string, unknown>): void {
  const columns = new Set((db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
  const entries = Object.entries(row).filter(([name]) => columns.has(name));
  db.prepare(
    `INSERT INTO ${table} (${entries.map(([name]) => name).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`,
  ).run(...entries.map(([, value]) => value));
}

/** The n-th representative annotation of the frozen stores, stored in schema `bodyVersion`. */
export function frozenAnnotation(n: number, overrides: Partial<Annotation>, bodyVersion: 1 | 2): Annotation {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const record: Annotation = {
    schemaVersion: 2,
    id,
    key: `chatgpt:conv-${n}:msg-${n}`,
    site: 'chatgpt',
    url: `https://chatgpt.com/c/conv-${n}`,
    conversationId: `conv-${n}`,
    messageId: `msg-${n}`,
    model: 'gpt-4o',
    modelSource: 'model-picker',
    context: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: `Question ${n}: how do I reset the router?` },
    ],
    response: `Answer ${n}: hold the reset pin for ten seconds — "quoted", émigré, 日本語.`,
    variant: null,
    thumb: n % 2 === 0 ? 'up' : 'down',
    score: 10 * n,
    comment: `comment ${n}`,
    tags: ['frozen', `t${n}`],
    correction: null,
    metadata: { source: 'frozen', turns: n },
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...overrides,
  };
  return (bodyVersion === 1 ? { ...record, schemaVersion: 1 } : record) as Annotation;
}
