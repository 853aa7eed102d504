import { createHash } from 'node:crypto';

/**
 * Names one version of a record: the SHA-256 of its canonical JSON (the validated record, keys in
 * schema order, as `JSON.stringify` writes it). Equal hashes are the same version: a replay is
 * `unchanged` (docs/sync-protocol.md, "Idempotence").
 */
export function versionHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}
