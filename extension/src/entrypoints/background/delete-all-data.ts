import type { AppDB } from '../../db/app-db.ts';
import type { LocalDataSummary } from '../../utils/messaging.ts';
import { originPattern } from '../../utils/origin-pattern.ts';
import { type PermissionsApi, type ScriptingApi, syncSelfHostedScripts } from './self-hosted.ts';

export interface DeleteAllDataDeps {
  db: AppDB;
  sync: { pause(): Promise<void>; resume(): void };
  /** `browser.storage.local` and `.session`: settings, tab health reports. */
  storages: readonly { clear(): Promise<void> }[];
  alarms: { clearAll(): Promise<unknown> };
  scripting: ScriptingApi;
  permissions: PermissionsApi & { remove(permissions: { origins: string[] }): Promise<boolean> };
  badge: { setBadgeText(details: { text: string }): Promise<void> };
  /** The self-hosted origins the person added, whose host permissions go back to the browser. */
  selfHostedOrigins(): Promise<readonly string[]>;
}

export async function summarizeLocalData(db: AppDB): Promise<LocalDataSummary> {
  const [annotations, comparisons, pending] = await Promise.all([
    db.annotations.count(),
    db.comparisons.count(),
    db.outbox.count(),
  ]);
  return { annotations, comparisons, pending };
}

/**
 * "Delete all Margin data in this browser": the IndexedDB database (annotations, comparisons, the
 * outbox, the pairing and its token), every setting in storage, the alarms, and the self-hosted
 * origins' content script and host permissions. Sync is paused first, so a run in flight cannot write
 * what it pulled into the emptied database. The companion's copy is not touched (`margin purge`).
 */
export async function deleteAllData(deps: DeleteAllDataDeps): Promise<LocalDataSummary> {
  await deps.sync.pause();
  try {
    const deleted = await summarizeLocalData(deps.db);
    const origins = await deps.selfHostedOrigins();
    await deps.alarms.clearAll();
    // Reopened on next use (disableAutoOpen: false), empty, at the current version.
    await deps.db.delete({ disableAutoOpen: false });
    await Promise.all(deps.storages.map((storage) => storage.clear()));
    await syncSelfHostedScripts([], deps.scripting, deps.permissions);
    if (origins.length > 0) await deps.permissions.remove({ origins: origins.map(originPattern) });
    await deps.badge.setBadgeText({ text: '' });
    return deleted;
  } finally {
    deps.sync.resume();
  }
}
