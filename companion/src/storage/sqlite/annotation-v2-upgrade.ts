import type Database from 'better-sqlite3';
import { annotationSchema, upgradeAnnotation } from '../../../../shared/index.ts';
import { versionHash } from '../version-hash.ts';

const BATCH = 500;

/**
 * A stored version-1 annotation body as version 2, with its new hash; null when it is not version 1.
 * The body is re-serialized the way a push of the same record would be (upgraded, then validated, then
 * `JSON.stringify`), so a version-1 replay of it hashes the same and is `unchanged`. A body the current
 * schema would refuse (none should: version 2 only adds) is still upgraded and kept, never dropped.
 */
export function upgradeStoredAnnotation(body: string): { body: string; hash: string } | null {
  const stored: unknown = JSON.parse(body);
  const upgraded = upgradeAnnotation(stored);
  if (upgraded === stored) return null;
  const parsed = annotationSchema.safeParse(upgraded);
  const next = JSON.stringify(parsed.success ? parsed.data : upgraded);
  return { body: next, hash: versionHash(next) };
}

/**
 * SQLite migration 5: every stored version-1 annotation, current and in history, rewritten as version 2
 * with its new hash, in batches (a large database is never read into memory at once). Sequence numbers
 * do not move: it is the same version in a new shape, and clients upgrade their own copies. Two history
 * versions that become the same version 2 (the renamed metadata key met an identical hand-written one)
 * are one version: the first kept, the duplicate dropped.
 */
export function upgradeAnnotationBodies(db: Database.Database): void {
  const isV1 = "json_extract(body, '$.schemaVersion') = 1";
  const currentBatch = db.prepare<[number, number], { seq: number; body: string }>(
    `SELECT seq, body FROM annotations WHERE seq > ? AND ${isV1} ORDER BY seq LIMIT ?`,
  );
  const rewriteCurrent = db.prepare('UPDATE annotations SET body = ?, hash = ? WHERE seq = ?');
  for (let after = 0; ; ) {
    const rows = currentBatch.all(after, BATCH);
    for (const row of rows) {
      const next = upgradeStoredAnnotation(row.body);
      if (next) rewriteCurrent.run(next.body, next.hash, row.seq);
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)?.seq ?? after;
  }

  const historyBatch = db.prepare<[number, number], { rowid: number; id: string; body: string }>(
    `SELECT rowid, id, body FROM history WHERE kind = 'annotation' AND rowid > ? AND ${isV1} ORDER BY rowid LIMIT ?`,
  );
  const duplicate = db.prepare<[string, string], number>(
    "SELECT 1 FROM history WHERE kind = 'annotation' AND id = ? AND hash = ?",
  );
  const rewriteHistory = db.prepare('UPDATE history SET body = ?, hash = ? WHERE rowid = ?');
  const dropHistory = db.prepare('DELETE FROM history WHERE rowid = ?');
  for (let after = 0; ; ) {
    const rows = historyBatch.all(after, BATCH);
    for (const row of rows) {
      const next = upgradeStoredAnnotation(row.body);
      if (!next) continue;
      if (duplicate.get(row.id, next.hash)) dropHistory.run(row.rowid);
      else rewriteHistory.run(next.body, next.hash, row.rowid);
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)?.rowid ?? after;
  }
}
