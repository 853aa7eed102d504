import type Database from 'better-sqlite3';
import { isCanonicalHash, versionHash } from '../version-hash.ts';

type Kind = 'annotation' | 'comparison';
const TABLE: Record<Kind, string> = { annotation: 'annotations', comparison: 'comparisons' };

/**
 * Rewrites the hashes Margin 0.1 stored for one record (its current version and its history) as hashes
 * of the canonical JSON, and answers the current version's hash. Called before a write compares an
 * incoming version with what is stored, so a replay of a version stored by 0.1 is still `unchanged`
 * and an archived one is not archived twice. One record at a time, when it is written again: an
 * upgrade reads and rewrites nothing up front, and a record never written again keeps its old hash,
 * which nothing else reads. Bodies and sequence numbers do not change (the same version, renamed).
 */
export function legacyHashRewriter(db: Database.Database): (kind: Kind, id: string, currentHash: string) => string {
  const statementsFor = (kind: Kind) => ({
    rewriteCurrent: db.prepare<[string, string]>(`UPDATE ${TABLE[kind]} SET hash = ? WHERE id = ?`),
    currentBody: db.prepare<[string], string>(`SELECT body FROM ${TABLE[kind]} WHERE id = ?`).pluck(),
  });
  const statements = { annotation: statementsFor('annotation'), comparison: statementsFor('comparison') };
  // The history's primary key (kind, id, hash) serves this: a few rows per record at most.
  const legacyHistory = db.prepare<[Kind, string], { rowid: number; body: string }>(
    "SELECT rowid, body FROM history WHERE kind = ? AND id = ? AND hash NOT LIKE 'jcs:%'",
  );
  const archived = db.prepare<[Kind, string, string], number>(
    'SELECT 1 FROM history WHERE kind = ? AND id = ? AND hash = ?',
  );
  const rewriteHistory = db.prepare<[string, number]>('UPDATE history SET hash = ? WHERE rowid = ?');
  const dropHistory = db.prepare<[number]>('DELETE FROM history WHERE rowid = ?');

  return (kind, id, currentHash) => {
    let hash = currentHash;
    if (!isCanonicalHash(hash)) {
      hash = versionHash(statements[kind].currentBody.get(id) as string);
      statements[kind].rewriteCurrent.run(hash, id);
    }
    for (const row of legacyHistory.all(kind, id)) {
      const next = versionHash(row.body);
      // Two 0.1 versions that differed only in key order are one version: kept once.
      if (archived.get(kind, id, next)) dropHistory.run(row.rowid);
      else rewriteHistory.run(next, row.rowid);
    }
    return hash;
  };
}
