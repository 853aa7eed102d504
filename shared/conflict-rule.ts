/**
 * The conflict rule: which of two versions of the same record is current. It is a total order, so the
 * companion reaches the same answer whatever order versions arrive in, and the extension applies the
 * same order to what it pulls (docs/sync-protocol.md, "Conflict rule"). In priority:
 * 1. a tombstone beats a live version (a delete never comes back),
 * 2. the higher `revision`,
 * 3. the later `updatedAt` (as an instant, so offsets compare correctly),
 * 4. the greater annotator, then the greater device id (an arbitrary but stable tie-break),
 * 5. the greater content hash (two different versions that agree on everything above).
 */
export interface VersionKey {
  deleted: boolean;
  revision: number;
  updatedAtMs: number;
  annotator: string;
  deviceId: string;
  hash: string;
}

/** Positive when `a` wins, negative when `b` wins, 0 only for the very same version. */
export function compareVersions(a: VersionKey, b: VersionKey): number {
  if (a.deleted !== b.deleted) return a.deleted ? 1 : -1;
  if (a.revision !== b.revision) return a.revision - b.revision;
  if (a.updatedAtMs !== b.updatedAtMs) return a.updatedAtMs - b.updatedAtMs;
  return (
    compareStrings(a.annotator, b.annotator) || compareStrings(a.deviceId, b.deviceId) || compareStrings(a.hash, b.hash)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
