import { canonicalJson } from '../../../shared/canonical-json.ts';
import { compareVersions, type VersionKey } from '../../../shared/conflict-rule.ts';
import type { SyncedRecord } from '../db/sync-tables.ts';

/** What to keep when a version arrives from the companion for a record the extension may hold. */
export type Choice = 'same' | 'local' | 'remote';

/**
 * The companion's conflict rule (shared/conflict-rule.ts), applied locally. A pull does not say which
 * device wrote a version and the rule's last tie-breaks (device id, content hash) need it; when two
 * different versions agree on everything else, a local edit still waiting for push is kept (it is
 * pushed, and the companion, which knows both devices, answers `superseded` with the winner if it
 * loses), and otherwise the companion's version is taken. So no local edit is dropped without the
 * companion having judged it, and both sides end with the same version.
 */
export function chooseVersion(local: SyncedRecord | undefined, remote: SyncedRecord, localPending: boolean): Choice {
  if (local === undefined) return 'remote';
  if (canonicalJson(local) === canonicalJson(remote)) return 'same';
  const order = compareVersions(versionKey(local), versionKey(remote));
  if (order > 0) return 'local';
  if (order < 0) return 'remote';
  return localPending ? 'local' : 'remote';
}

function versionKey(record: SyncedRecord): VersionKey {
  return {
    deleted: record.deletedAt !== null,
    revision: record.revision,
    updatedAtMs: Date.parse(record.updatedAt),
    annotator: record.annotator,
    deviceId: '',
    hash: '',
  };
}

/** The outbox entry still holds the version that was pushed (no newer edit replaced it meanwhile). */
export function sameVersion(a: SyncedRecord, b: SyncedRecord): boolean {
  return a.revision === b.revision && a.updatedAt === b.updatedAt && a.deletedAt === b.deletedAt;
}
