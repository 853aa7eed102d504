import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../companion/src/storage/sqlite/migrations.ts';

/**
 * A frozen companion database at SQLite version 4: annotation schema v1 bodies and the hashes the
 * companion of that time gave them (SHA-256 of the body). Never edit: the version-5 upgrade test
 * opens it. The bodies are literal JSON as that companion wrote them (validated, keys in schema order).
 */
const body = (fields: Record<string, unknown>) =>
  JSON.stringify({
    schemaVersion: 1,
    id: fields.id,
    key: `claude:conv-v1:${fields.messageId}`,
    site: 'claude',
    url: 'https://claude.ai/chat/conv-v1',
    conversationId: 'conv-v1',
    messageId: fields.messageId,
    model: 'claude-sonnet-5',
    modelSource: 'model-picker',
    context: [
      { role: 'user', content: 'Résume la RFC 9110 en deux lignes 🙏' },
      { role: 'assistant', content: 'Elle définit la sémantique de HTTP.' },
      { role: 'user', content: 'Plus court.' },
    ],
    response: 'HTTP : méthodes, statuts, en-têtes.\u2028Fin.',
    variant: fields.variant ?? null,
    thumb: fields.thumb ?? null,
    score: fields.score ?? null,
    comment: fields.comment ?? '',
    tags: fields.tags ?? [],
    correction: null,
    metadata: fields.metadata ?? {},
    annotator: 'ada',
    createdAt: '2026-08-30T09:00:00.000Z',
    updatedAt: fields.updatedAt,
    deletedAt: fields.deletedAt ?? null,
    revision: fields.revision,
  });

export const V4_ANNOTATION_BODIES = [
  body({
    id: 'a-live',
    messageId: 'm1',
    thumb: 'up',
    score: 90,
    tags: ['fr'],
    metadata: { contextMissingTurns: 2, trace_id: 't-1' },
    updatedAt: '2026-08-30T09:01:00.000Z',
    revision: 2,
  }),
  body({
    id: 'a-gone',
    messageId: 'm2',
    thumb: 'down',
    comment: 'Hors sujet.',
    updatedAt: '2026-08-30T09:02:00.000Z',
    deletedAt: '2026-08-30T09:03:00.000Z',
    revision: 3,
  }),
  body({
    id: 'a-edited',
    messageId: 'm3',
    variant: { index: 2, count: 2, group: 'g-1' },
    score: 40,
    updatedAt: '2026-08-30T09:05:00.000Z',
    revision: 2,
  }),
];

/** Superseded versions: one of `a-edited`, and two of `a-live` that version 2 makes one and the same. */
export const V4_HISTORY_BODIES = [
  body({ id: 'a-edited', messageId: 'm3', score: 10, updatedAt: '2026-08-30T09:04:00.000Z', revision: 1 }),
  body({
    id: 'a-live',
    messageId: 'm1',
    metadata: { contextMissingTurns: 4 },
    updatedAt: '2026-08-30T09:00:30.000Z',
    revision: 1,
  }),
  body({
    id: 'a-live',
    messageId: 'm1',
    metadata: { 'capture.unrenderedTurns': 4, 'capture.partial': true },
    updatedAt: '2026-08-30T09:00:30.000Z',
    revision: 1,
  }),
];

export const V4_COMPARISON_BODY = JSON.stringify({
  schemaVersion: 1,
  id: 'cmp-1',
  a: 'a-live',
  b: 'a-edited',
  winner: 'a',
  annotator: 'ada',
  createdAt: '2026-08-30T09:06:00.000Z',
  updatedAt: '2026-08-30T09:06:00.000Z',
  deletedAt: null,
  revision: 1,
});

export const v4Hash = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Writes the frozen version-4 database at `path`. */
export function writeV4Database(path: string): void {
  const db = new Database(path);
  try {
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
    const insert = db.prepare(
      `INSERT INTO annotations (id, seq, key, site, conversation_id, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body)
       VALUES (@id, @seq, @key, @site, @conversationId, @annotator, @revision, @updatedAt, @updatedAtMs, @deletedAt, 'device-old', @hash, '2026-08-30T10:00:00.000Z', @body)`,
    );
    V4_ANNOTATION_BODIES.forEach((text, index) => {
      const record = JSON.parse(text);
      insert.run({
        ...record,
        seq: index + 1,
        updatedAtMs: Date.parse(record.updatedAt),
        hash: v4Hash(text),
        body: text,
      });
    });
    db.prepare(
      `INSERT INTO comparisons (id, seq, a, b, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body)
       VALUES ('cmp-1', 4, 'a-live', 'a-edited', 'ada', 1, '2026-08-30T09:06:00.000Z', ?, NULL, 'device-old', ?, '2026-08-30T10:00:00.000Z', ?)`,
    ).run(Date.parse('2026-08-30T09:06:00.000Z'), v4Hash(V4_COMPARISON_BODY), V4_COMPARISON_BODY);
    const history = db.prepare(
      `INSERT INTO history (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
       VALUES ('annotation', @id, @hash, @revision, @updatedAt, NULL, 'device-old', '2026-08-30T10:00:00.000Z', '2026-08-30T10:00:01.000Z', @body)`,
    );
    for (const text of V4_HISTORY_BODIES) history.run({ ...JSON.parse(text), hash: v4Hash(text), body: text });
    db.prepare("INSERT INTO devices (id, first_seen, last_seen) VALUES ('device-old', ?, ?)").run(
      '2026-08-30T10:00:00.000Z',
      '2026-08-30T10:00:00.000Z',
    );
  } finally {
    db.close();
  }
}
