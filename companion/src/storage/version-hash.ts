import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json.ts';

/**
 * Marks a hash of the canonical JSON. Margin 0.1 hashed the record as `JSON.stringify` wrote it (schema
 * order, metadata keys in whatever order they came), so the same annotation with its metadata keys in
 * another order looked like a new version. Stores still hold such hashes: one without this prefix is
 * recomputed from its body the first time its record is written again (`isCanonicalHash`).
 */
export const CANONICAL_HASH_PREFIX = 'jcs:';

/**
 * Names one version of a record: the SHA-256 of its canonical JSON (keys sorted at every depth,
 * shared/canonical-json.ts). Equal hashes are the same version, whatever order the keys arrived in: a
 * replay is `unchanged` (docs/sync-protocol.md, "Idempotence").
 */
export function versionHashOf(record: unknown): string {
  return `${CANONICAL_HASH_PREFIX}${createHash('sha256').update(canonicalJson(record)).digest('base64url')}`;
}

/** The version hash of a record stored as JSON text (a stored body). */
export function versionHash(body: string): string {
  return versionHashOf(JSON.parse(body));
}

/** Whether a stored hash is of the canonical JSON; one that is not was written by Margin 0.1. */
export function isCanonicalHash(hash: string): boolean {
  return hash.startsWith(CANONICAL_HASH_PREFIX);
}
